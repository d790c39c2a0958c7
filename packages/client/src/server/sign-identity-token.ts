/**
 * The identity token a site's server signs for its signed-in visitor (identity verification): an HS256 JWT with the
 * widget's secret. The page passes it on with `identify({ token })`; Parley then treats the visitor as that user.
 * @module
 */
import { SignJWT } from 'jose';

/** The longest lifetime Parley accepts for an identity token. */
const MAX_LIFETIME_SECONDS = 24 * 60 * 60;

/** Options of {@link signIdentityToken}. */
export interface SignIdentityTokenOptions {
  /** The widget's identity secret (`pis_…`), from the console's Settings → Widgets → Identity verification. */
  secret: string;
  /** Your id for the user (`sub`): the same person on every device and visit. */
  userId: string | number;
  /** Stored on the contact, replacing what it held. */
  name?: string;
  /** Stored on the contact (lower-cased), replacing what it held. */
  email?: string;
  /** Stored on the contact in E.164 (with its country code, or one the widget's default country reads). */
  phone?: string;
  /** How long the token is valid: default 3,600 s, at most 86,400 (Parley refuses longer-lived tokens). */
  expiresInSeconds?: number;
}

/**
 * Signs an identity token for one of your signed-in users, to pass to the page (`Parley.identify({ token })`). Sign a
 * fresh one for each page: Parley accepts a token for one visitor only (another browser presenting it is refused as
 * replayed). To sign with your own private key instead (RS256, ES256, EdDSA), use a JWT library with the same claims
 * (`sub`, `exp`, `aud: 'parley'`, and optionally `name`, `email`, `phone`) and upload the public key.
 *
 * @example
 * ```ts
 * import { signIdentityToken } from '@parley/client/server'
 *
 * const token = await signIdentityToken({ secret: process.env.PARLEY_IDENTITY_SECRET!, userId: user.id, email: user.email })
 * ```
 */
export async function signIdentityToken(options: SignIdentityTokenOptions): Promise<string> {
  const lifetime = options.expiresInSeconds ?? 3600;
  if (!(lifetime > 0 && lifetime <= MAX_LIFETIME_SECONDS)) {
    throw new RangeError(`expiresInSeconds must be between 1 and ${MAX_LIFETIME_SECONDS}.`);
  }
  if (!options.secret) throw new TypeError('The widget’s identity secret is empty.');
  const claims: { name?: string; email?: string; phone?: string } = {};
  if (options.name !== undefined) claims.name = options.name;
  if (options.email !== undefined) claims.email = options.email;
  if (options.phone !== undefined) claims.phone = options.phone;
  const issuedAt = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setAudience('parley')
    .setSubject(String(options.userId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + lifetime)
    .sign(new TextEncoder().encode(options.secret));
}
