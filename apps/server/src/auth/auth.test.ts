import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';
import { createTokenService } from './tokens.js';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});

describe('tokens', () => {
  const tokens = createTokenService('s'.repeat(32));
  const identity = { contactId: randomUUID(), widgetId: randomUUID() };

  it('round-trips a visitor identity', async () => {
    expect(await tokens.verifyVisitor(await tokens.signVisitor(identity))).toEqual(identity);
  });

  it('does not accept a visitor token as an agent token, nor the reverse', async () => {
    const visitorToken = await tokens.signVisitor(identity);
    await expect(tokens.verifyAgent(visitorToken)).rejects.toMatchObject({ code: 'unauthorized' });
    const { token } = await tokens.signAgent({ userId: randomUUID(), organizationId: randomUUID(), role: 'agent' });
    await expect(tokens.verifyVisitor(token)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('rejects tokens signed with another secret or tampered with', async () => {
    const other = createTokenService('o'.repeat(32));
    await expect(tokens.verifyVisitor(await other.signVisitor(identity))).rejects.toMatchObject({ code: 'unauthorized' });
    const token = await tokens.signVisitor(identity);
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ typ: 'visitor', sub: randomUUID(), wid: identity.widgetId, iss: 'parley' }),
    ).toString('base64url');
    await expect(tokens.verifyVisitor(`${header}.${forgedPayload}.${signature}`)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
