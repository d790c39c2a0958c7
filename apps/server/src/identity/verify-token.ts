/**
 * Verifies an identity token, the JWT a site's server signs to say who its signed-in visitor is: with the widget's
 * HS256 secret (or the previous one, for a day after a rotation) or with the public key the admin uploaded, and only
 * with the algorithms that key is for (a token can't choose HS256 and be checked against the public key as a secret).
 * Short-lived by rule: `exp` is required and at most a day ahead.
 * @module
 */
import { createHash } from 'node:crypto';
import { handshakeIdentitySchema, ParleyError, type ContactIdentity } from '@parley/protocol';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import { parsePublicKey, type IdentityKeysRow } from './keys.js';

/** The longest an identity token may be valid for. */
export const IDENTITY_TOKEN_MAX_LIFETIME_SECONDS = 24 * 60 * 60;
/** The `aud` a token signed with an uploaded key must have (one signed with the widget's secret may). */
export const IDENTITY_TOKEN_AUDIENCE = 'parley';
/** Clock difference tolerated between the site's server and Parley. */
export const IDENTITY_CLOCK_TOLERANCE_SECONDS = 60;

/** Who a verified token says the visitor is. */
export interface VerifiedIdentity {
  /** The site's id for the person (`sub`). */
  externalId: string;
  /** The details the token carries (`name`, `email`, `phone`); an invalid one is dropped, as in the handshake. */
  details: ContactIdentity;
  /** When the token expires: it is remembered as used until then. */
  expiresAt: Date;
  /** Hex SHA-256 of the token, under which its use is remembered. */
  tokenHash: string;
}

const claimsSchema = z.object({
  sub: z.union([z.string().min(1).max(255), z.number().int().transform(String)]),
  exp: z.number(),
  name: z.unknown().optional(),
  email: z.unknown().optional(),
  phone: z.unknown().optional(),
});

function refused(message: string, cause?: unknown): ParleyError {
  return new ParleyError('identity_invalid', message, { cause });
}

/** The candidate keys for a token's algorithm, in the order to try them. */
function keysFor(
  alg: string,
  row: IdentityKeysRow | undefined,
  box: SecretBox,
): Array<{ key: Parameters<typeof jwtVerify>[1]; algorithms: string[]; audience?: string }> {
  if (alg === 'HS256') {
    const sealed = [row?.secret];
    if (row?.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()) sealed.push(row.previousSecret);
    return sealed.flatMap((value) => {
      if (!value) return [];
      try {
        return [{ key: new TextEncoder().encode(box.open(value)), algorithms: ['HS256'] }];
      } catch {
        // Sealed under another PARLEY_SECRET: it can't verify anything until an admin generates a new one.
        return [];
      }
    });
  }
  if (!row?.publicKey) return [];
  const { key, algorithms } = parsePublicKey(row.publicKey);
  // A site's signing key may sign its own JWTs too (sessions, ID tokens, with a `sub` and a short `exp`): only those
  // meant for Parley prove anything here. A secret Parley generated signs for Parley alone.
  return algorithms.includes(alg) ? [{ key, algorithms, audience: IDENTITY_TOKEN_AUDIENCE }] : [];
}

/**
 * The identity `token` proves for the widget whose keys are `row`; refused with `identity_invalid` (not a JWT, not
 * signed by one of the widget's keys, an algorithm the widget has no key for, no `sub` or `exp`, valid for too long) or
 * `identity_expired`. Whether it was used before is the caller's to check (`tokenHash`).
 */
export async function verifyIdentityToken(token: string, row: IdentityKeysRow | undefined, box: SecretBox): Promise<VerifiedIdentity> {
  if (!row?.secret && !row?.publicKey) {
    throw refused('This widget verifies no identities: generate a secret or upload a public key in Settings → Widgets first.');
  }
  let alg: string;
  try {
    alg = decodeProtectedHeader(token).alg ?? '';
  } catch (cause) {
    throw refused('The identity token is not a signed JWT.', cause);
  }
  const candidates = keysFor(alg, row, box);
  if (candidates.length === 0) throw refused(`This widget has no key for identity tokens signed with ${alg || 'no algorithm'}.`);
  let payload: JWTPayload | undefined;
  let failure: unknown;
  for (const candidate of candidates) {
    try {
      ({ payload } = await jwtVerify(token, candidate.key, {
        algorithms: candidate.algorithms,
        clockTolerance: IDENTITY_CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
        ...(candidate.audience && { audience: candidate.audience }),
      }));
      break;
    } catch (cause) {
      failure = cause;
      // Another key may have signed it; anything else about the token is the same for every key.
      if (!(cause instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  if (!payload) {
    if (failure instanceof errors.JWTExpired) throw new ParleyError('identity_expired', undefined, { cause: failure });
    if (failure instanceof errors.JWSSignatureVerificationFailed)
      throw refused('The identity token is not signed by this widget’s key.', failure);
    if (failure instanceof errors.JWTClaimValidationFailed) {
      if (failure.claim === 'aud') throw refused(`A token signed with your own key needs "aud": "${IDENTITY_TOKEN_AUDIENCE}".`, failure);
      throw refused(`The identity token’s "${failure.claim}" claim is missing or invalid.`, failure);
    }
    throw refused('The identity token is not a valid JWT.', failure);
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw refused('The identity token needs "sub" (the user’s id, up to 255 characters) and "exp".');
  const nowSeconds = Date.now() / 1000;
  if (claims.data.exp > nowSeconds + IDENTITY_TOKEN_MAX_LIFETIME_SECONDS + IDENTITY_CLOCK_TOLERANCE_SECONDS) {
    throw refused('The identity token is valid for more than 24 hours: sign a short-lived one for each page.');
  }
  const { name, email, phone } = claims.data;
  return {
    externalId: claims.data.sub,
    details: handshakeIdentitySchema.parse({ name, email, phone }) ?? {},
    expiresAt: new Date(claims.data.exp * 1000),
    tokenHash: createHash('sha256').update(token).digest('hex'),
  };
}
