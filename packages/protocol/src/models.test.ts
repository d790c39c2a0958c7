import { describe, expect, it } from 'vitest';
import { visitorMessageSendSchema } from './events/message.js';
import { characterCount, messageBodySchema, widgetSettingsSchema } from './models.js';
import { parsePayload } from './parse.js';
import { conversationUpdateSchema } from './rest/conversations.js';

describe('message bodies', () => {
  it.each([
    ['plain text', 'Hello'],
    ['markup, kept as text', '<img src=x onerror=alert(1)>'],
    ['emoji and RTL text', '👩‍👩‍👧 مرحبا'],
    ['leading and trailing spaces', '  padded  '],
  ])('accepts %s unchanged', (_name, body) => {
    expect(messageBodySchema.parse(body)).toBe(body);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', ' \n\t'],
    ['a NUL character', 'a\u0000b'],
    ['an unpaired surrogate', '\udc00'],
  ])('refuses %s', (_name, body) => {
    expect(messageBodySchema.safeParse(body).success).toBe(false);
  });

  it('counts characters as code points', () => {
    expect(characterCount('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });
});

describe('parsePayload', () => {
  it('returns the parsed value', () => {
    expect(parsePayload(visitorMessageSendSchema, { clientId: 'a-1', body: 'hi' })).toEqual({ clientId: 'a-1', body: 'hi' });
  });

  it('throws invalid_payload naming each wrong field', () => {
    expect(() => parsePayload(visitorMessageSendSchema, { clientId: 'a b' })).toThrowError(
      expect.objectContaining({
        code: 'invalid_payload',
        issues: [expect.objectContaining({ path: 'clientId' }), expect.objectContaining({ path: 'body' })],
      }),
    );
  });
});

describe('widget settings', () => {
  it('fills defaults and rejects a colour that is not a hex code', () => {
    expect(widgetSettingsSchema.parse({})).toMatchObject({ title: 'Chat with us', position: 'right', accentColor: '#2563eb' });
    expect(widgetSettingsSchema.safeParse({ accentColor: 'red;background:url(x)' }).success).toBe(false);
  });
});

describe('conversation updates', () => {
  it('requires something to update', () => {
    expect(conversationUpdateSchema.safeParse({}).success).toBe(false);
    expect(conversationUpdateSchema.parse({ status: 'resolved' })).toEqual({ status: 'resolved' });
  });
});
