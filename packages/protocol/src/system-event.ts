/**
 * How a system message's event reads in English. Schema-free (the `SystemEvent` import is a type only), so the widget
 * and the console import it through the package's entry without pulling zod into their bundles; the server stores the
 * same sentence as the message's body.
 * @module
 */
import type { SystemEvent } from './models.js';

/**
 * The event as a plain English sentence.
 *
 * @example
 * ```ts
 * systemEventText({ type: 'queued', position: 2 }) // "You're number 2 in the queue."
 * ```
 */
export function systemEventText(event: SystemEvent): string {
  switch (event.type) {
    case 'handoff_requested':
      // The same words whoever asked: the button and "talk to a person" are one request to the visitor.
      return 'A person from our team was asked to join.';
    case 'queued':
      return `You're number ${event.position} in the queue.`;
    case 'agent_joined':
      return `${event.agentName} joined the conversation.`;
    case 'transferred':
      return `The conversation was transferred to ${event.to}.`;
    case 'handed_back_to_bot':
      return 'The assistant is back in the conversation.';
    case 'resolved':
      return 'The conversation was resolved.';
    case 'reopened':
      return 'The conversation was reopened.';
    case 'rated':
      return `The conversation was rated ${event.rating} out of 5.${event.comment ? ` “${event.comment}”` : ''}`;
  }
}
