/**
 * How a delivery is signed (docs/webhooks.md, "Verifying a delivery"): `Parley-Signature: t=<unix seconds>,v1=<hex>`,
 * the hex being HMAC-SHA256, keyed with the subscription's secret, over `<t>.<the raw body>`. During a secret's
 * rotation overlap there is one `v1=` per secret, the new one first. `@parley/client/server` verifies it.
 * @module
 */
import { createHmac } from 'node:crypto';

/** The header's name. */
export const SIGNATURE_HEADER = 'Parley-Signature';

/** The `Parley-Signature` value for `body` sent at `timestamp` (seconds), signed with each of `secrets`. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}
