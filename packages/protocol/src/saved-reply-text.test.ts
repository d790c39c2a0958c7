import { describe, expect, it } from 'vitest';
import { fillSavedReply, SAVED_REPLY_GAP } from './saved-reply-text.js';

const values = {
  'contact.name': 'Ada',
  'contact.email': 'ada@example.com',
  'agent.name': 'Grace',
  'organization.name': 'Shop',
};

describe('fillSavedReply', () => {
  it('fills in the known variables', () => {
    expect(fillSavedReply('Hi {contact.name}, {agent.name} from {organization.name} here. We wrote to {contact.email}.', values)).toBe(
      'Hi Ada, Grace from Shop here. We wrote to ada@example.com.',
    );
  });

  it('leaves a visible gap, never the braces, for a variable without a value or one it does not know', () => {
    expect(SAVED_REPLY_GAP).toBe('____');
    expect(fillSavedReply('Hi {contact.name}!', { ...values, 'contact.name': null })).toBe('Hi ____!');
    expect(fillSavedReply('Hi {contact.name}!', { ...values, 'contact.name': undefined })).toBe('Hi ____!');
    expect(fillSavedReply('Hi {contact.name}!', { ...values, 'contact.name': '  ' })).toBe('Hi ____!');
    expect(fillSavedReply('Hi {contact.name}!', {})).toBe('Hi ____!');
    expect(fillSavedReply('Order {order.id} of {contact.phone}', values)).toBe('Order ____ of ____');
    // Names that objects inherit are not values.
    expect(fillSavedReply('{constructor.name} {__proto__.x}', {})).toBe('____ ____');
  });

  it('fills adjacent and repeated variables', () => {
    expect(fillSavedReply('{contact.name}{agent.name}{contact.name}', values)).toBe('AdaGraceAda');
    expect(fillSavedReply('{contact.name}{order.id}', values)).toBe('Ada____');
  });

  it('leaves braces that are not a variable as they are, and {{ is not special', () => {
    expect(fillSavedReply('{ not a var } {contact name} {contact.} {.name} {a.b.c} {} {contact.name', values)).toBe(
      '{ not a var } {contact name} {contact.} {.name} {a.b.c} {} {contact.name',
    );
    expect(fillSavedReply('{{contact.name}}', values)).toBe('{Ada}');
    expect(fillSavedReply('{{{agent.name}', values)).toBe('{{Grace');
    expect(fillSavedReply('{ contact.name }', values)).toBe('{ contact.name }');
  });

  it('keeps unicode text and inserts values as they are, without filling or interpreting them in turn', () => {
    expect(fillSavedReply('こんにちは {contact.name} 👋🏽 — مرحبا', { 'contact.name': 'Zoë 🦊' })).toBe('こんにちは Zoë 🦊 👋🏽 — مرحبا');
    // Non-ASCII names are text, not variables.
    expect(fillSavedReply('{contact.名前}', values)).toBe('{contact.名前}');
    // A value naming a variable, or holding replace() patterns, goes in literally.
    expect(fillSavedReply('Hi {contact.name}', { 'contact.name': '{agent.name} $& $1 $$' })).toBe('Hi {agent.name} $& $1 $$');
  });

  it('gives a body without variables back unchanged', () => {
    expect(fillSavedReply('', values)).toBe('');
    expect(fillSavedReply('Plain text.\nTwo lines.', values)).toBe('Plain text.\nTwo lines.');
  });
});
