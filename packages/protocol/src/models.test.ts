import { describe, expect, it } from 'vitest';
import { agentMessageSendSchema, visitorMessageSendSchema } from './events/message.js';
import { characterCount, messageBodySchema, quickRepliesSchema, widgetSettingsSchema } from './models.js';
import { parsePayload } from './parse.js';
import { conversationUpdateSchema } from './rest/conversations.js';
import { noteCreateSchema } from './rest/notes.js';

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

describe('quick replies', () => {
  it('accepts 1 to 6 different replies of 1 to 60 characters, trimmed', () => {
    expect(quickRepliesSchema.parse(['Yes', ' No '])).toEqual(['Yes', 'No']);
    expect(quickRepliesSchema.parse(['1', '2', '3', '4', '5', '6'])).toHaveLength(6);
    // Counted in code points, as message bodies are: 60 emoji fit.
    expect(quickRepliesSchema.safeParse(['😀'.repeat(60)]).success).toBe(true);
    expect(quickRepliesSchema.safeParse(['x'.repeat(60)]).success).toBe(true);
  });

  it.each([
    ['no reply', []],
    ['seven replies', ['1', '2', '3', '4', '5', '6', '7']],
    ['an empty reply', ['']],
    ['a whitespace-only reply', ['  ']],
    ['a reply of 61 characters', ['x'.repeat(61)]],
    ['61 emoji', ['😀'.repeat(61)]],
    ['a repeated reply', ['Yes', 'Yes']],
    ['a reply repeated once trimmed', ['Yes', 'Yes ']],
    ['a NUL character', ['a\u0000b']],
    ['an unpaired surrogate', ['\udc00']],
    ['not a list', 'Yes'],
  ])('refuses %s', (_name, replies) => {
    expect(quickRepliesSchema.safeParse(replies).success).toBe(false);
  });

  it('may go with an agent’s message, never with a note', () => {
    const send = { conversationId: '00000000-0000-4000-8000-000000000001', clientId: 'r1', body: 'Did it arrive?' };
    expect(agentMessageSendSchema.parse({ ...send, quickReplies: ['Yes', 'No'] }).quickReplies).toEqual(['Yes', 'No']);
    expect(agentMessageSendSchema.parse(send)).not.toHaveProperty('quickReplies');
    expect(agentMessageSendSchema.safeParse({ ...send, quickReplies: [''] }).success).toBe(false);
    expect(noteCreateSchema.safeParse({ clientId: 'n1', body: 'Check the order.', quickReplies: ['Yes'] }).success).toBe(false);
    expect(noteCreateSchema.safeParse({ clientId: 'n1', body: 'Check the order.' }).success).toBe(true);
  });
});
