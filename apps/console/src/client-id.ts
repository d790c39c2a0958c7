/**
 * Idempotency keys for the agent's replies.
 * @module
 */

/**
 * A random `clientId` for a reply: 22 URL-safe characters (128 bits), within the protocol's `[A-Za-z0-9_-]{1,64}`.
 * Built from `crypto.getRandomValues`, which unlike `crypto.randomUUID` also exists when the console is served over
 * plain http on a private network.
 */
export function createClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
