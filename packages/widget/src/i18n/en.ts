/**
 * The widget's words in English: the catalog the others copy, and the one in the main chunk (every visitor has it; the
 * other languages are chunks of their own, loaded by {@link loadCatalog} only for visitors who need them). The words
 * of the forms only some visitors see are in the extras chunk, in English too (`en-extras.ts`). Accessible
 * names are a contract: tests and assistive technology users rely on them.
 * @module
 */

import type { ExtrasCatalog } from './en-extras.js';

/** Text direction of a language's catalog: `rtl` mirrors the widget's layout (Arabic). */
export type TextDirection = 'ltr' | 'rtl';

/**
 * One object rather than separate constants: the widget picks its language at run time. The property names cost the
 * main chunk a few dozen bytes gzipped.
 */
export const en = {
  /** The catalog's language, for the widget root's `lang`. */
  lang: 'en',
  dir: 'ltr' as TextDirection,
  /** The panel's title when the widget's settings have none, or the protocol's default (this one). */
  title: 'Chat with us',
  /** The greeting when the widget's settings have the protocol's default (this one). */
  greeting: 'Hi! How can we help?',
  open: 'Open chat',
  close: 'Close chat',
  composer: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  log: 'Messages',
  you: 'You',
  agent: 'Agent',
  /** The protocol's default bot name, for a server that sends none. */
  bot: 'Assistant',
  typing: 'Agent is typing…',
  /** Follows the bot's name. */
  botTyping: ' is typing…',
  human: 'Talk to a person',
  sources: 'Sources',
  queued: 'Waiting for a person to join…',
  /** "You're number 2 in the queue. Usually within 3 min." — the wait only when the server knows one. */
  queue: (position: number, minutes: number | null) =>
    `You're number ${position} in the queue.${minutes === null ? '' : ` Usually within ${minutes} min.`}`,
  alreadyHuman: "You're already talking to our team.",
  humanFailed: "Couldn't reach a person",
  sending: 'Sending…',
  waiting: 'Not sent yet: waiting for the connection',
  offline: "You're offline. Your messages will be sent when the connection is back.",
  connectionFailed: "Couldn't connect to chat",
  notSent: 'Message not sent',
  newMessages: 'New messages',
  unread: (count: number) => (count === 1 ? '1 new message' : `${count} new messages`),
  /** The page's title for a moment when a reply arrives while the panel is closed. */
  newFrom: (name: string) => `New message from ${name}`,
};

/** The words the main chunk uses: English's in it, another language's from its chunk. */
export type MainCatalog = typeof en;

/**
 * A language's whole catalog: the main chunk's words and the extras chunk's (`en-extras.ts`), so a language missing a
 * key (or adding one) fails to compile.
 */
export type Catalog = MainCatalog & ExtrasCatalog;
