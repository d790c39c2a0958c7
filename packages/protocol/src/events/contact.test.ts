import { describe, expect, it } from 'vitest';
import { contactIdentifySchema } from './contact.js';
import { visitorHandshakeSchema } from './handshake.js';

const widgetKey = 'pk_test';

describe('contactIdentifySchema', () => {
  it('keeps a name, an e-mail address and a phone number, trimmed', () => {
    expect(contactIdentifySchema.parse({ name: '  Ada Lovelace ', email: ' Ada@Example.com ', phone: ' +44 20 7946 0958 ' })).toEqual({
      name: 'Ada Lovelace',
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
    });
    expect(contactIdentifySchema.parse({ email: 'ada@example.com', extra: 1 })).toEqual({ email: 'ada@example.com' });
  });

  it.each([
    ['no field', {}],
    ['an empty name', { name: '   ' }],
    ['a name over 200 characters', { name: 'a'.repeat(201) }],
    ['a name with a NUL', { name: 'Ada\u0000' }],
    ['a name with an unpaired surrogate', { name: 'Ada \ud800' }],
    ['an address that is none', { email: 'ada@' }],
    ['a phone number that is too short', { phone: '12' }],
    ['a name that is no string', { name: 42 }],
  ])('refuses %s', (_, payload) => {
    const result = contactIdentifySchema.safeParse(payload);
    expect(result.success).toBe(false);
    expect(result.error!.issues.length).toBeGreaterThan(0);
  });

  it('accepts a name of exactly 200 characters', () => {
    expect(contactIdentifySchema.parse({ name: 'a'.repeat(200) })).toEqual({ name: 'a'.repeat(200) });
  });
});

describe("the handshake's identity", () => {
  it('keeps valid fields, trimmed', () => {
    expect(
      visitorHandshakeSchema.parse({ widgetKey, identity: { name: ' Ada ', email: 'ada@example.com', phone: '+1 415 555 2671' } }),
    ).toEqual({
      widgetKey,
      identity: { name: 'Ada', email: 'ada@example.com', phone: '+1 415 555 2671' },
    });
  });

  it('drops an invalid field and keeps the others', () => {
    expect(visitorHandshakeSchema.parse({ widgetKey, identity: { name: 'Ada', email: 'not an address', phone: '1' } })).toEqual({
      widgetKey,
      identity: { name: 'Ada' },
    });
  });

  it.each([
    ['no valid field', { email: 'nope', name: '' }],
    ['an empty object', {}],
    ['a string', 'Ada'],
    ['null', null],
    ['an array', ['Ada']],
  ])('drops an identity with %s, and still connects', (_, identity) => {
    const result = visitorHandshakeSchema.safeParse({ widgetKey, identity });
    expect(result.success).toBe(true);
    expect(result.data).toEqual({ widgetKey });
    expect('identity' in result.data! && result.data.identity !== undefined).toBe(false);
  });
});
