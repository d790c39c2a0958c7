/**
 * The effects of committed transitions (start or cancel a bot turn, an assignment), handed to whoever
 * subscribed: the bot plugin runs its turns from here, and the conversations domain knows nothing of the bot.
 * @module
 */
import type { Effect } from './machine.js';

/** Receives the effects of one conversation's committed transition, after the commit. */
export type EffectHandler = (conversationId: string, effects: readonly Effect[]) => void;

/** Where effects go: `perform` hands them to every subscriber, in the order they subscribed. */
export interface ConversationEffects {
  perform: EffectHandler;
  subscribe(handler: EffectHandler): void;
}

/** Creates the effect bus; decorated on the app as `app.conversationEffects`. */
export function createConversationEffects(): ConversationEffects {
  const handlers: EffectHandler[] = [];
  return {
    perform(conversationId, effects) {
      if (effects.length === 0) return;
      for (const handler of handlers) handler(conversationId, effects);
    },
    subscribe(handler) {
      handlers.push(handler);
    },
  };
}
