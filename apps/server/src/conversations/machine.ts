/**
 * The conversation lifecycle as a pure, table-driven state machine: no I/O, no clock. The runner and the services
 * commit the new state (with its audit row) in one transaction, then carry out the effects.
 *
 * ```
 * bot ──handoff──▶ queued ──agent accepts──▶ agent ──hands back──▶ bot
 *  │                 │  ◀──unassign / transfer to a team──┘
 *  └──── resolved ◀──┴────────────────────────┘   resolved ──visitor writes──▶ bot | queued | agent (the widget's rule)
 * ```
 * The full table is in docs/conversation-states.md, generated from {@link transitionTable} and checked by a test.
 * @module
 */
import type { ConversationStatus } from '@parley/protocol';

/** A state of the machine: the conversation's status. */
export type ConversationState = ConversationStatus;

/** Who asked for a human. */
export type HandoffSource = 'visitor' | 'bot' | 'rule';

/**
 * What set off a handoff, stored with it for reports: the visitor's button or words, the bot's tool, one of the
 * widget's rules (replies without a source, "that didn't help", the model provider failing, the bot turned off), or an
 * agent moving the conversation to the queue.
 */
export type HandoffTrigger =
  | 'visitor_button'
  | 'visitor_words'
  | 'bot_tool'
  | 'no_source_replies'
  | 'not_helpful'
  | 'provider_failed'
  | 'action_interrupted'
  | 'bot_disabled'
  | 'agent';

/** Who asked, for each trigger: what the visitor's "… was asked to join" line says. */
export function handoffSourceOf(trigger: HandoffTrigger): HandoffSource {
  if (trigger === 'visitor_button' || trigger === 'visitor_words') return 'visitor';
  return trigger === 'bot_tool' ? 'bot' : 'rule';
}

/**
 * Where a resolved conversation goes when the visitor writes again, decided by the service from the widget's rule and
 * who is online: back to the bot, to the queue, or straight to the agent who had it.
 */
export type ReopenTarget = { to: 'bot' } | { to: 'queue' } | { to: 'agent'; agentId: string };

/** Whom a conversation is transferred to: one agent, or a team's queue. */
export type TransferTarget = { to: 'agent'; agentId: string } | { to: 'team'; teamId: string };

/** Something that happened to a conversation. */
export type ConversationEvent =
  | { type: 'visitor.message'; reopen?: ReopenTarget }
  | { type: 'bot.replied' }
  | { type: 'handoff.requested'; trigger: HandoffTrigger; reason: string }
  | { type: 'agent.accepted'; agentId: string }
  | { type: 'agent.handed-back'; agentId: string }
  | { type: 'agent.unassigned'; agentId: string }
  | { type: 'conversation.transferred'; target: TransferTarget }
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
  /** Put the conversation in the team's queue: only the team's agents are given it. */
  | { type: 'set-team'; teamId: string }
  /**
   * Let routing give queued conversations of the organization to free agents: one joined the queue, or an agent's
   * slot was freed. Routing decides under its own lock; the effect is only the nudge.
   */
  | { type: 'route' }
  /**
   * A conversation joined or left the queue: the visitors still waiting are told their new places. Added by
   * {@link transition} to every transition into or out of `queued`, not written in the table row by row.
   */
  | { type: 'queue-changed' };

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

/** A transfer from `state`: to an agent, who owns it at once; to a team, whose queue it joins. */
const transferFrom =
  (state: ConversationState): Handler<Extract<ConversationEvent, { type: 'conversation.transferred' }>> =>
  ({ target }) => {
    const cancel: Effect[] = state === 'bot' ? [{ type: 'cancel-bot-turn' }] : [];
    // The previous agent's slot is freed: routing may give them (or anyone) the next queued conversation.
    const freed: Effect[] = state === 'agent' ? [{ type: 'route' }] : [];
    return target.to === 'agent'
      ? { state: 'agent', effects: [...cancel, { type: 'assign', agentId: target.agentId }, ...freed] }
      : { state: 'queued', effects: [...cancel, { type: 'set-team', teamId: target.teamId }, { type: 'route' }] };
  };

/** The visitor writes to a resolved conversation: it goes where the widget's rule sent it (the bot by default). */
const reopen: Handler<Extract<ConversationEvent, { type: 'visitor.message' }>> = ({ reopen: target = { to: 'bot' } }) => {
  switch (target.to) {
    case 'bot':
      return { state: 'bot', effects: [{ type: 'run-bot-turn' }] };
    case 'queue':
      return { state: 'queued', effects: [{ type: 'route' }] };
    case 'agent':
      return { state: 'agent', effects: [{ type: 'assign', agentId: target.agentId }] };
  }
};

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
    'conversation.transferred': transferFrom('bot'),
    'conversation.resolved': stay('resolved', [{ type: 'cancel-bot-turn' }]),
    'inactivity.timeout': stay('resolved', [{ type: 'cancel-bot-turn' }]),
  },
  queued: {
    // Also the first message of a conversation that starts in the queue (the widget's bot is off): it routes then.
    'visitor.message': stay('queued', [{ type: 'route' }]),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'assign', agentId: event.agentId }] }),
    'agent.handed-back': stay('bot'),
    'conversation.transferred': transferFrom('queued'),
    'conversation.resolved': stay('resolved'),
  },
  agent: {
    'visitor.message': stay('agent'),
    'agent.accepted': (event) => ({ state: 'agent', effects: [{ type: 'assign', agentId: event.agentId }] }),
    // The agent's slot is free again: the oldest queued conversation may go to them (or to anyone free).
    'agent.handed-back': stay('bot', [{ type: 'route' }]),
    // Back to the queue: routing may give it to someone else, or back to the same agent when nobody else is free.
    'agent.unassigned': stay('queued', [{ type: 'route' }]),
    'conversation.transferred': transferFrom('agent'),
    'conversation.resolved': stay('resolved', [{ type: 'route' }]),
    'inactivity.timeout': stay('resolved', [{ type: 'route' }]),
  },
  resolved: {
    // The visitor writing again reopens the conversation: to the bot, the queue or the agent who had it.
    'visitor.message': reopen,
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
  const crossesQueue = (state === 'queued') !== (next === 'queued');
  return { ok: true, state: next, effects: crossesQueue ? [...effects, { type: 'queue-changed' }] : effects };
}

/** Every event type, for exhaustive tests and the generated diagram. */
export const conversationEventTypes: readonly ConversationEventType[] = [
  'visitor.message',
  'bot.replied',
  'handoff.requested',
  'agent.accepted',
  'agent.handed-back',
  'agent.unassigned',
  'conversation.transferred',
  'conversation.resolved',
  'inactivity.timeout',
  'conversation.closed',
];
