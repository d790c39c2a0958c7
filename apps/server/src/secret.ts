import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The signing secret: PARLEY_SECRET when set (required in production, and whenever several processes share a
 * database). Otherwise one is generated on first start and kept in the data folder with owner-only permissions, so
 * that visitor sessions survive restarts of a single development process.
 */
export function resolveSecret(config: Config, warn: (message: string) => void): string {
  if (config.secret) return config.secret;
  const file = join(config.dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  if (config.databaseUrl) warn('PARLEY_SECRET is not set: generated one for this process; set it to share sessions between processes.');
  return secret;
}
