/**
 * Identity verification: a site that signs its visitors in proves who they are with a short-lived JWT its server
 * signs (the widget's HS256 secret, or its own private key whose public half an admin uploaded). This domain holds
 * the keys and verifies tokens; the conversations domain attaches the visitor to the verified contact. See
 * docs/identity-verification.md.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createSecretBox } from '../plugins/sealed-secrets.js';
import { identityKeysOf } from './keys.js';
import { registerIdentityRoutes } from './routes.js';
import { verifyIdentityToken, type VerifiedIdentity } from './verify-token.js';

export { IDENTITY_CLOCK_TOLERANCE_SECONDS, IDENTITY_TOKEN_AUDIENCE } from './verify-token.js';
export type { VerifiedIdentity } from './verify-token.js';

/** Verifies identity tokens for widgets. */
export interface IdentityVerifier {
  /** Who `token` proves the visitor of widget `widgetId` is; refused with `identity_invalid` or `identity_expired`. */
  verify(widgetId: string, token: string): Promise<VerifiedIdentity>;
}

declare module 'fastify' {
  interface FastifyInstance {
    identity: IdentityVerifier;
  }
}

/** Options of {@link identityPlugin}. */
export interface IdentityPluginOptions {
  /** The app's secret, which the widgets' identity secrets are sealed under. */
  secret: string;
}

/** Registers the admins' identity verification routes and `app.identity`. */
export const identityPlugin = fp(
  async function registerIdentity(app: FastifyInstance, options: IdentityPluginOptions) {
    const box = createSecretBox(options.secret, 'identity-secret');
    app.decorate('identity', {
      async verify(widgetId: string, token: string) {
        return verifyIdentityToken(token, await identityKeysOf(app.db, widgetId), box);
      },
    } satisfies IdentityVerifier);
    registerIdentityRoutes(app, box);
  },
  { name: 'parley-identity', fastify: '5.x', dependencies: ['parley-config', 'parley-db', 'parley-auth'] },
);
