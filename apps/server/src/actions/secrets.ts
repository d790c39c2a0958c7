/**
 * The secrets of actions and MCP servers (API keys, bearer tokens): sealed on the way in (`plugins/sealed-secrets.ts`),
 * named but never shown on the way out, opened only to render a request's headers.
 * @module
 */
import type { SecretBox } from '../plugins/sealed-secrets.js';

/** Name → sealed value, for storing. */
export function sealSecrets(box: SecretBox, secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, box.seal(value)]));
}

/** The stored secrets after an update: a value sets (sealed), null removes, the others are kept. */
export function updatedSecrets(
  box: SecretBox,
  stored: Record<string, string>,
  changes: Record<string, string | null> | undefined,
): Record<string, string> {
  const secrets = { ...stored };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) delete secrets[name];
    else secrets[name] = box.seal(value);
  }
  return secrets;
}

/** Name → plain value, to render headers; null when one was sealed under another `PARLEY_SECRET` (enter it again). */
export function openSecrets(box: SecretBox, sealed: Record<string, string>): Record<string, string> | null {
  try {
    return Object.fromEntries(Object.entries(sealed).map(([name, value]) => [name, box.open(value)]));
  } catch {
    return null;
  }
}
