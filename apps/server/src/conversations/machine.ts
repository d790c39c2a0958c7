/**
 * The conversation lifecycle as a pure, table-driven state machine: no I/O, no clock. The runner and the services
 * commit the new state (with its audit row) in one transaction, then carry out the effects.
 *
 * ```
 * bot ──handoff──▶ queued ──agent accepts──▶ agent ──hands back──▶ bot
 *  │                 │                        │
 *  └──── resolved ◀──┴────────────────────────┘   resolved ──visitor writes──▶ bot,  resolved ──timeout──▶ closed
 * ```
 * The full table is in docs/conversation-states.md, generated from {@link transitionTable} and checked by a test.
 * @module
 */
import type { ConversationStatus } from '@parley/protocol';

/** A state of the machine: the conversation's status. */
export type ConversationState = ConversationStatus;

/** Who asked for a human. */
export type HandoffSource = 'visitor' | 'bot' | 'rule';

/** Something that happened to a conversation. */
export type ConversationEvent =
  | { type: 'visitor.message' }
  | { type: 'bot.replied' }
  | { type: 'handoff.requested'; by: HandoffSource; reason: string }
  | { type: 'agent.accepted'; agentId: string }
  | { type: 'agent.handed-back'; agentId: string }
  | { type: 'conversation.resolved'; by: 'agent' | 'bot' | 'system' }
  | { type: 'inactivity.timeout' }
  | { type: 'conversation.closed' };

/** The `type`s of {@link ConversationEvent}. */
export type ConversationEventType = ConversationEvent['type'];

/** Work the edges must do after the new state is committed. Effects are data; the runner performs them. */
export type Effect =
  /** Start a bot turn (or let the running one pick up the new message afterwards). */
  | { type: 'run-bot-turn' }
  /** Abort the running bot turn; its partial text must not be stored or look final. */
  | { type: 'cancel-bot-turn' }
  /** Assign the conversation to the agent. */
  | { type: 'assign'; agentId: string }
  /**
   * Let routing give queued conversations of the organization to free agents: one joined the queue, or an agent's
   * slot was freed. Routing decides under its own lock; the effect is only the nudge.
   */
  | { type: 'route' };

/** The outcome of {@link transition}. */
export type TransitionResult =
  | { ok: true; state: ConversationState; effects: Effect[] }
  | { ok: false; error: { code: 'transition_rejected'; state: ConversationState; event: ConversationEventType } };

type Handler<E extends ConversationEvent> = (event: E) => { state: ConversationState; effects: Effect[] };
type StateTable = { [T in ConversationEventType]?: Handler<Extract<ConversationEvent, { type: T }>> };

// Each call returns a fresh effects array, so a caller that appends to it cannot change the table.
const stay =
  (state: ConversationState, effects: Effect[] = []) =>
  () => ({ state, effects: [...effects] });

/**
 * Every accepted (state, event) pair. A pair that is missing is rejected. Keep docs/conversation-states.md in step:
 * `pnpm test` fails when it differs from this table.
 */
export const transitionTable: Record<ConversationState, StateTable> = {
  bot: {
    'visitor.message': stay('bot', [{ type: 'run-bot-turn' }]),
    'bot.replied': stay('bot'),
    'handoff.requested': stay('queued', [{ type: 'cancel-bot-turn' }, { type: 'route' }]),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'cancel-bot-turn' }, { type: 'assign', agentId: event.agentId }] }),
    'conversation.resolved': stay('resolved', [{ type: 'cancel-bot-turn' }]),
    'inactivity.timeout': stay('resolved', [{ type: 'cancel-bot-turn' }]),
  },
  queued: {
    // Also the first message of a conversation that starts in the queue (the widget's bot is off): it routes then.
    'visitor.message': stay('queued', [{ type: 'route' }]),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'assign', agentId: event.agentId }] }),
    'agent.handed-back': stay('bot'),
    'conversation.resolved': stay('resolved'),
  },
  agent: {
    'visitor.message': stay('agent'),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'assign', agentId: event.agentId }] }),
    // The agent's slot is free again: the oldest queued conversation may go to them (or to anyone free).
    'agent.handed-back': stay('bot', [{ type: 'route' }]),
    'conversation.resolved': stay('resolved', [{ type: 'route' }]),
    'inactivity.timeout': stay('resolved', [{ type: 'route' }]),
  },
  resolved: {
    // The visitor writing again reopens the conversation, and the bot answers first again.
    'visitor.message': stay('bot', [{ type: 'run-bot-turn' }]),
    // Asking for a person always works, also after the conversation was resolved.
    'handoff.requested': stay('queued', [{ type: 'route' }]),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'assign', agentId: event.agentId }] }),
    'inactivity.timeout': stay('closed'),
    'conversation.closed': stay('closed'),
  },
  closed: {},
};

/**
 * The next state and the effects of `event` in `state`, or a `transition_rejected` error when the state does not
 * accept the event. Pure: the same input always gives the same output.
 */
export function transition(state: ConversationState, event: ConversationEvent): TransitionResult {
  // Own properties only: an unvalidated `type` such as "constructor" must be rejected, not found on the prototype.
  const table = transitionTable[state];
  const handler = Object.hasOwn(table, event.type) ? (table[event.type] as Handler<ConversationEvent>) : undefined;
  if (!handler) return { ok: false, error: { code: 'transition_rejected', state, event: event.type } };
  const { state: next, effects } = handler(event);
  return { ok: true, state: next, effects };
}

/** Every event type, for exhaustive tests and the generated diagram. */
export const conversationEventTypes: readonly ConversationEventType[] = [
  'visitor.message',
  'bot.replied',
  'handoff.requested',
  'agent.accepted',
  'agent.handed-back',
  'conversation.resolved',
  'inactivity.timeout',
  'conversation.closed',
];
