import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { naughtyStrings } from '../../test/helpers/naughty-strings.js';
import { clientAddress, compileTrustProxy, requestOrigin, trustProxySettingSchema } from './trusted-proxy.js';

function requestFrom(remoteAddress: string, headers: Record<string, string>, encrypted = false): IncomingMessage {
  return { socket: { remoteAddress, encrypted }, connection: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('PARLEY_TRUST_PROXY', () => {
  it.each([
    ['false', null],
    ['0', null],
    ['1', { hops: 1 }],
    ['10.0.0.0/8, loopback', { addresses: ['10.0.0.0/8', 'loopback'] }],
    ['192.0.2.10', { addresses: ['192.0.2.10'] }],
  ])('parses %j', (text, setting) => {
    expect(trustProxySettingSchema.parse(text)).toEqual(setting);
  });

  it.each(['true', 'everyone', '10.0.0.0/99', 'proxy.internal'])('refuses %j with the accepted forms', (text) => {
    const result = trustProxySettingSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/hop count .* CIDR/);
  });

  it('answers every naughty string with a setting or the explanation, never a crash', () => {
    for (const text of naughtyStrings()) {
      const result = trustProxySettingSchema.safeParse(text);
      if (result.success) expect(() => compileTrustProxy(result.data)).not.toThrow();
      else expect(result.error.issues[0]?.message).toMatch(/hop count .* CIDR/);
    }
  });
});

describe('client address and origin', () => {
  const forwarded = {
    'x-forwarded-for': '203.0.113.9, 10.0.0.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'chat.example.com',
    host: 'parley:3000',
  };

  it('ignores forwarded headers when no proxy is trusted', () => {
    const trust = compileTrustProxy(null);
    expect(clientAddress(requestFrom('10.0.0.1', forwarded), trust)).toBe('10.0.0.1');
    expect(requestOrigin(requestFrom('10.0.0.1', forwarded), trust)).toBe('http://parley:3000');
  });

  it('walks X-Forwarded-For through trusted proxies only', () => {
    const trust = compileTrustProxy({ addresses: ['10.0.0.0/8'] });
    expect(clientAddress(requestFrom('10.0.0.1', forwarded), trust)).toBe('203.0.113.9');
    expect(clientAddress(requestFrom('198.51.100.4', forwarded), trust)).toBe('198.51.100.4');
    expect(requestOrigin(requestFrom('10.0.0.1', forwarded), trust)).toBe('https://chat.example.com');
    expect(requestOrigin(requestFrom('198.51.100.4', forwarded), trust)).toBe('http://parley:3000');
  });

  it('trusts as many hops as configured', () => {
    const oneHop = compileTrustProxy({ hops: 1 });
    expect(clientAddress(requestFrom('10.0.0.1', forwarded), oneHop)).toBe('10.0.0.2');
    expect(clientAddress(requestFrom('10.0.0.1', forwarded), compileTrustProxy({ hops: 2 }))).toBe('203.0.113.9');
  });

  it('uses the connection scheme without a trusted proxy', () => {
    expect(requestOrigin(requestFrom('127.0.0.1', { host: 'localhost:3000' }, true), compileTrustProxy(null))).toBe(
      'https://localhost:3000',
    );
  });
});
