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
    case 'away': {
      const when = event.nextOpening
        ? ` We open again ${new Date(event.nextOpening).toLocaleString('en-US', { timeZone: event.timeZone, weekday: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' })}.`
        : '';
      const why = event.reason === 'closed' ? "We're closed right now." : 'Nobody from our team is available right now.';
      return `${why}${when} Leave your e-mail address or phone number and we'll get back to you.`;
    }
    case 'contact_saved':
      return `Thanks! We'll get back to you at ${event.email ?? event.phone}.`;
    case 'rated':
      return `The conversation was rated ${event.rating} out of 5.${event.comment ? ` “${event.comment}”` : ''}`;
  }
}
