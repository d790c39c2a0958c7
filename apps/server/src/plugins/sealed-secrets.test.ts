import { describe, expect, it } from 'vitest';
import { createSecretBox } from './sealed-secrets.js';

const appSecret = 'an-app-secret-that-is-at-least-32-characters';

describe('createSecretBox', () => {
  it('opens what it sealed, and never stores the secret in the clear', () => {
    const box = createSecretBox(appSecret, 'webhook-secret');
    const sealed = box.seal('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed)).toBe('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(sealed);
  });

  it('refuses what another key or purpose sealed, and a changed seal', () => {
    const sealed = createSecretBox(appSecret, 'webhook-secret').seal('whsec_abc');
    expect(() => createSecretBox(appSecret, 'action-secret').open(sealed)).toThrow();
    expect(() => createSecretBox(`${appSecret}!`, 'webhook-secret').open(sealed)).toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => createSecretBox(appSecret, 'webhook-secret').open(tampered)).toThrow();
    expect(() => createSecretBox(appSecret, 'webhook-secret').open('whsec_abc')).toThrow('Not a sealed secret.');
  });
});
