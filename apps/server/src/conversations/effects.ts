/**
 * What other domains hear of a committed change, after the commit: the effects of a transition (start or cancel a bot
 * turn, route the queue) and the messages people sent. The bot plugin runs its turns from here, the handoff domain
 * routes and keeps its follow-up timers, and the conversations domain knows nothing of either.
 * @module
 */
import type { Message } from '@parley/protocol';
import type { Effect } from './machine.js';

/** The conversation a notification is about: enough to act per organization without reading the row again. */
export interface ConversationRef {
  id: string;
  organizationId: string;
}

/** Receives the effects of one conversation's committed transition, after the commit. */
export type EffectHandler = (conversation: ConversationRef, effects: readonly Effect[]) => void;

/** Receives the messages a visitor or an agent sent, after the commit that stored them (never system lines). */
export type MessagesHandler = (conversation: ConversationRef, messages: readonly Message[]) => void;

/** Where effects and sent messages go: each is handed to every subscriber, in the order they subscribed. */
export interface ConversationEffects {
  perform: EffectHandler;
  subscribe(handler: EffectHandler): void;
  /** Tells the subscribers of {@link ConversationEffects.subscribeMessages} that people's messages were stored. */
  messagesSent: MessagesHandler;
  subscribeMessages(handler: MessagesHandler): void;
}

/** Creates the effect bus; decorated on the app as `app.conversationEffects`. */
export function createConversationEffects(): ConversationEffects {
  const handlers: EffectHandler[] = [];
  const messageHandlers: MessagesHandler[] = [];
  return {
    perform(conversation, effects) {
      if (effects.length === 0) return;
      for (const handler of handlers) handler(conversation, effects);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    messagesSent(conversation, messages) {
      if (messages.length === 0) return;
      for (const handler of messageHandlers) handler(conversation, messages);
    },
    subscribeMessages(handler) {
      messageHandlers.push(handler);
    },
  };
}
