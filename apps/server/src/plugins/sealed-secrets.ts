/**
 * Secrets Parley must use again later (a webhook's signing secret, an action's API key) are stored sealed: encrypted
 * with AES-256-GCM under a key derived from `PARLEY_SECRET` (HKDF-SHA256, one key per purpose). A database dump alone
 * reveals none of them. Changing `PARLEY_SECRET` makes the sealed ones unreadable: they must be made again.
 * @module
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Seals and opens the secrets of one purpose. */
export interface SecretBox {
  /** The sealed form of `plain`: `v1.` and base64url of nonce, tag and ciphertext. Sealing twice gives two forms. */
  seal(plain: string): string;
  /** The secret `sealed` holds; throws when it was sealed under another key or was changed. */
  open(sealed: string): string;
}

/** A box for `purpose` (e.g. `webhook-secret`) under the app's secret. */
export function createSecretBox(appSecret: string, purpose: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', appSecret, 'parley-sealed-secrets', purpose, 32));
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), encrypted]).toString('base64url')}`;
    },
    open(sealed) {
      const [version, payload] = sealed.split('.', 2);
      if (version !== VERSION || !payload) throw new Error('Not a sealed secret.');
      const bytes = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
