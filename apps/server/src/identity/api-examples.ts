/**
 * Examples of the identity verification routes for the OpenAPI document (checked against their schemas by a test).
 * @module
 */
import type { IdentityVerification, IdentityVerificationPatch } from '@parley/protocol';

export const identityVerificationExample: IdentityVerification = {
  secret: { hint: 'pis_3kT9vQx2', createdAt: '2026-11-30T09:00:00.000Z' },
  previousSecretExpiresAt: null,
  publicKey: null,
};

export const identityVerificationPatchExample: IdentityVerificationPatch = { secret: 'generate' };

export const identityVerificationGeneratedExample: IdentityVerification = {
  secret: { hint: 'pis_Wm81LrQa', createdAt: '2026-11-30T10:15:00.000Z' },
  previousSecretExpiresAt: '2026-12-01T10:15:00.000Z',
  publicKey: null,
  newSecret: 'pis_Wm81LrQaZ0c4bH7yN2eX5uJ9sV1kD6fG3hT8pR4wE0',
};
