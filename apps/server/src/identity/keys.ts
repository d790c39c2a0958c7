/**
 * What a widget verifies identity tokens with: its HS256 secret (generated here, sealed at rest, shown once) and an
 * uploaded public key. Read by the verifier on every handshake that carries a token, changed by admins.
 * @module
 */
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { identityVerification, widgets, type Database } from '@parley/db';
import { ParleyError, type IdentityVerification, type IdentityVerificationPatch } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import type { SecretBox } from '../plugins/sealed-secrets.js';

/** How long the secret before a rotation is still accepted: a site's servers can switch within a day. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** Characters of a secret shown to tell secrets apart. */
const HINT_LENGTH = 12;

/** A widget's verification row. */
export type IdentityKeysRow = typeof identityVerification.$inferSelect;

/** The JWS algorithms a public key of each kind verifies; a token signed with another algorithm is refused. */
export function algorithmsOf(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return ['ES256'];
      if (curve === 'secp384r1') return ['ES384'];
      if (curve === 'secp521r1') return ['ES512'];
      return [];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

function refuse(message: string): never {
  throw new ParleyError('invalid_payload', message, { issues: [{ path: 'body.publicKey', message }] });
}

/** The public key an admin uploaded (PEM or JWK); `invalid_payload` naming `publicKey` for anything else. */
export function parsePublicKey(text: string): { key: KeyObject; algorithms: string[] } {
  let input: Parameters<typeof createPublicKey>[0] = text;
  if (text.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(text);
    } catch {
      refuse('That is neither a PEM public key nor a JWK.');
    }
    if (typeof jwk !== 'object' || jwk === null) return refuse('That is neither a PEM public key nor a JWK.');
    if ('d' in jwk || ('kty' in jwk && jwk.kty === 'oct')) {
      refuse('That JWK is a private or symmetric key: upload the public half only, and keep the private key on your server.');
    }
    input = { key: jwk as never, format: 'jwk' };
  } else if (/PRIVATE KEY/.test(text)) {
    refuse('That is a private key: upload the public half only (BEGIN PUBLIC KEY), and keep the private key on your server.');
  } else if (!/-----BEGIN PUBLIC KEY-----/.test(text)) {
    refuse('Paste the public key as PEM (-----BEGIN PUBLIC KEY-----) or as a JWK.');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(input);
  } catch {
    return refuse('That public key could not be read.');
  }
  const algorithms = algorithmsOf(key);
  if (algorithms.length === 0) refuse('Use an RSA (2048 bits or more), P-256, P-384, P-521 or Ed25519 key.');
  if (key.asymmetricKeyType?.startsWith('rsa') && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    refuse('That RSA key is shorter than 2048 bits.');
  }
  return { key, algorithms };
}

/** The row as admins see it: no secret, except `newSecret` right after it was generated. */
export function toIdentityVerification(row: IdentityKeysRow | undefined, newSecret?: string): IdentityVerification {
  const now = Date.now();
  return {
    secret:
      row?.secret && row.secretHint && row.secretCreatedAt ? { hint: row.secretHint, createdAt: row.secretCreatedAt.toISOString() } : null,
    previousSecretExpiresAt:
      row?.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt.getTime() > now
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    publicKey: row?.publicKey && row.publicKeyAlgorithm ? { key: row.publicKey, algorithm: row.publicKeyAlgorithm } : null,
    ...(newSecret !== undefined && { newSecret }),
  };
}

/** The widget's keys; `not_found` when the widget is not the organization's. */
export async function readIdentityKeys(db: Database, organizationId: string, widgetId: string): Promise<IdentityKeysRow | undefined> {
  const [row] = await db
    .select({ widgetId: widgets.id, keys: identityVerification })
    .from(widgets)
    .leftJoin(identityVerification, eq(identityVerification.widgetId, widgets.id))
    .where(and(eq(widgets.id, widgetId), eq(widgets.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'Widget not found.');
  return row.keys ?? undefined;
}

/** The keys a widget verifies with, for the verifier (no organization check: the widget came from its key). */
export async function identityKeysOf(db: Database, widgetId: string): Promise<IdentityKeysRow | undefined> {
  const [row] = await db.select().from(identityVerification).where(eq(identityVerification.widgetId, widgetId));
  return row;
}

/**
 * Applies an admin's change: a new secret (the current one kept as the previous for {@link SECRET_OVERLAP_MS}), no
 * secret, a public key, or none. Returns the new state, with the new secret when one was made.
 */
export async function changeIdentityKeys(
  db: Database,
  box: SecretBox,
  organizationId: string,
  widgetId: string,
  patch: IdentityVerificationPatch,
): Promise<IdentityVerification> {
  const current = await readIdentityKeys(db, organizationId, widgetId);
  const values: Partial<IdentityKeysRow> = { updatedAt: new Date() };
  let newSecret: string | undefined;
  if (patch.secret === 'generate') {
    newSecret = `pis_${randomBytes(32).toString('base64url')}`;
    values.secret = box.seal(newSecret);
    values.secretHint = newSecret.slice(0, HINT_LENGTH);
    values.secretCreatedAt = new Date();
    values.previousSecret = current?.secret ?? null;
    values.previousSecretExpiresAt = current?.secret ? new Date(Date.now() + SECRET_OVERLAP_MS) : null;
  } else if (patch.secret === null) {
    Object.assign(values, { secret: null, secretHint: null, secretCreatedAt: null, previousSecret: null, previousSecretExpiresAt: null });
  }
  if (patch.publicKey === null) Object.assign(values, { publicKey: null, publicKeyAlgorithm: null });
  else if (patch.publicKey !== undefined) {
    const { algorithms } = parsePublicKey(patch.publicKey);
    values.publicKey = patch.publicKey;
    values.publicKeyAlgorithm = algorithms.join(', ');
  }
  const [row] = await db
    .insert(identityVerification)
    .values({ widgetId, ...values })
    .onConflictDoUpdate({ target: identityVerification.widgetId, set: values })
    .returning();
  return toIdentityVerification(row, newSecret);
}
