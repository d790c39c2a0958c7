/**
 * `/api/widgets/:widgetId/identity-verification`: how a widget's site proves who its signed-in visitors are. The
 * site's server signs a short-lived JWT (`sub`: its user id; optional `name`, `email`, `phone`; `exp` within a day) with
 * the widget's HS256 secret, which Parley generates and shows once, or with its own private key, whose public half the
 * admin uploads here (RS256, RS384, RS512, PS256, ES256, ES384 or EdDSA). The page passes the token to
 * `Parley.identify({ token })`.
 * @module
 */
import { z } from 'zod';

/** Path parameters of the identity verification routes. */
export const identityVerificationParamsSchema = z.object({ widgetId: z.uuid() });

/** The longest public key accepted (a 4096-bit RSA key in PEM is about 800 characters; a JWK a little more). */
export const PUBLIC_KEY_MAX_LENGTH = 8192;

/** Answer of the identity verification routes: what the widget verifies with, never a secret (except once, below). */
export const identityVerificationSchema = z.object({
  /** The HS256 secret: its first characters and when it was made; null when the widget has none. */
  secret: z.object({ hint: z.string(), createdAt: z.string() }).nullable(),
  /** Until when the secret before the last rotation is still accepted; null when it no longer is. */
  previousSecretExpiresAt: z.string().nullable(),
  /** The uploaded public key and the algorithm it verifies; null when none was uploaded. */
  publicKey: z.object({ key: z.string(), algorithm: z.string() }).nullable(),
  /** The new secret, only in the answer that generated it: store it on the site's server; it is not shown again. */
  newSecret: z.string().optional(),
});
/** What a widget verifies identities with. */
export type IdentityVerification = z.infer<typeof identityVerificationSchema>;

/**
 * Body of `PATCH /api/widgets/:widgetId/identity-verification`: `secret: 'generate'` makes a new HS256 secret (the
 * previous one stays valid for 24 hours, so the site can switch without refusing anyone), `secret: null` removes it
 * (and the previous one); `publicKey` a PEM (SPKI) or a JWK as JSON, null removes it.
 */
export const identityVerificationPatchSchema = z.object({
  secret: z.literal('generate').nullable().optional(),
  publicKey: z.string().trim().min(1).max(PUBLIC_KEY_MAX_LENGTH).nullable().optional(),
});
/** Body of `PATCH /api/widgets/:widgetId/identity-verification`. */
export type IdentityVerificationPatch = z.infer<typeof identityVerificationPatchSchema>;
