import { describe, expect, it } from 'vitest';
import {
  conversationEventTypes,
  transition,
  transitionTable,
  type ConversationEvent,
  type ConversationEventType,
  type ConversationState,
  type Effect,
} from './machine.js';

const states: ConversationState[] = ['bot', 'queued', 'agent', 'resolved', 'closed'];

// Typed as a mapped type so a new event type fails to compile here until it gets a sample.
const events: { [T in ConversationEventType]: Extract<ConversationEvent, { type: T }> } = {
  'visitor.message': { type: 'visitor.message' },
  'bot.replied': { type: 'bot.replied' },
  'handoff.requested': { type: 'handoff.requested', trigger: 'visitor_button', reason: 'asked for a person' },
  'agent.accepted': { type: 'agent.accepted', agentId: 'a1' },
  'agent.handed-back': { type: 'agent.handed-back', agentId: 'a1' },
  'agent.unassigned': { type: 'agent.unassigned', agentId: 'a1' },
  'conversation.transferred': { type: 'conversation.transferred', target: { to: 'agent', agentId: 'a1' } },
  'conversation.resolved': { type: 'conversation.resolved', by: 'agent' },
  'inactivity.timeout': { type: 'inactivity.timeout' },
  'conversation.closed': { type: 'conversation.closed' },
};

interface Allowed {
  state: ConversationState;
  event: ConversationEventType;
  next: ConversationState;
  effects: Effect[];
  behaviour: string;
}

const runBotTurn: Effect = { type: 'run-bot-turn' };
const cancelBotTurn: Effect = { type: 'cancel-bot-turn' };
const assignA1: Effect = { type: 'assign', agentId: 'a1' };
const route: Effect = { type: 'route' };
const queueChanged: Effect = { type: 'queue-changed' };

function row(
  state: ConversationState,
  event: ConversationEventType,
  next: ConversationState,
  effects: Effect[],
  behaviour: string,
): Allowed {
  return { state, event, next, effects, behaviour };
}

// Written out by hand, not read from `transitionTable`: changing the table must change this list too.
const allowed: Allowed[] = [
  row('bot', 'visitor.message', 'bot', [runBotTurn], 'lets the bot answer a visitor message'),
  row('bot', 'bot.replied', 'bot', [], 'stays with the bot after it replies'),
  row('bot', 'handoff.requested', 'queued', [cancelBotTurn, route, queueChanged], 'hands off to a human when the visitor asks'),
  row('bot', 'agent.accepted', 'agent', [cancelBotTurn, assignA1], 'lets an agent take over from the bot without queueing'),
  row('bot', 'conversation.transferred', 'agent', [cancelBotTurn, assignA1], 'transfers a bot conversation to an agent'),
  row('bot', 'conversation.resolved', 'resolved', [cancelBotTurn], 'resolves a bot conversation and stops the bot'),
  row('bot', 'inactivity.timeout', 'resolved', [cancelBotTurn], 'resolves a bot conversation that went quiet and stops the bot'),

  row('queued', 'visitor.message', 'queued', [route], 'keeps a queued conversation waiting for a human when the visitor writes'),
  row('queued', 'agent.accepted', 'agent', [assignA1, queueChanged], 'assigns a queued conversation to the agent who accepts it'),
  row('queued', 'agent.handed-back', 'bot', [queueChanged], 'gives a queued conversation back to the bot'),
  row('queued', 'conversation.transferred', 'agent', [assignA1, queueChanged], 'transfers a queued conversation to an agent'),
  row('queued', 'conversation.resolved', 'resolved', [queueChanged], 'resolves a conversation still in the queue'),

  row('agent', 'visitor.message', 'agent', [], 'leaves a visitor message to the agent instead of waking the bot'),
  row('agent', 'agent.accepted', 'agent', [assignA1], 'reassigns the conversation when another agent accepts it'),
  row('agent', 'agent.handed-back', 'bot', [route], 'hands back to the bot when the agent is done'),
  row('agent', 'agent.unassigned', 'queued', [route, queueChanged], 'puts the conversation back in the queue when the agent unassigns'),
  row('agent', 'conversation.transferred', 'agent', [assignA1, route], "transfers to another agent and frees the first one's slot"),
  row('agent', 'conversation.resolved', 'resolved', [route], 'resolves when the agent resolves'),
  row('agent', 'inactivity.timeout', 'resolved', [route], 'resolves an agent conversation that went quiet'),

  row('resolved', 'visitor.message', 'bot', [runBotTurn], 'reopens with the bot when the visitor writes again (no rule given)'),
  row(
    'resolved',
    'handoff.requested',
    'queued',
    [route, queueChanged],
    'queues a resolved conversation when the visitor asks for a person',
  ),
  row('resolved', 'agent.accepted', 'agent', [assignA1], 'reopens with the agent who accepts a resolved conversation'),
  row('resolved', 'inactivity.timeout', 'closed', [], 'closes a resolved conversation after inactivity'),
  row('resolved', 'conversation.closed', 'closed', [], 'closes a resolved conversation on request'),
];

const allowedKeys = new Set(allowed.map(({ state, event }) => `${state} ${event}`));
const allPairs = states.flatMap((state) => conversationEventTypes.map((event) => ({ state, event })));
const rejected = allPairs.filter(({ state, event }) => !allowedKeys.has(`${state} ${event}`));

// `it.each` cases as tuples: `%s` prints strings as they are, where `$name` would quote them and cut them at 40
// characters.
type Case = [event: ConversationEventType, state: ConversationState];
const allowedCases = allowed.map((pair): [string, Allowed] => [`${pair.behaviour} (${pair.state} + ${pair.event} → ${pair.next})`, pair]);
const rejectedCases = rejected.map(({ state, event }): Case => [event, state]);
const allCases = allPairs.map(({ state, event }): Case => [event, state]);
const leavingBot = allowed.filter(({ state, next }) => state === 'bot' && next !== 'bot').map(({ event }) => event);

describe('transition', () => {
  it('covers every state and every event type', () => {
    expect(Object.keys(transitionTable)).toEqual(states);
    expect(conversationEventTypes.toSorted()).toEqual(Object.keys(events).toSorted());
    // The lists below are only exhaustive if these counts hold: 5 states × 10 events = 24 accepted + 26 rejected.
    expect(allPairs).toHaveLength(50);
    expect(allowedKeys.size).toBe(allowed.length);
    expect(allowed).toHaveLength(24);
    expect(rejected).toHaveLength(26);
  });

  it.each(allowedCases)('%s', (_title, { state, event, next, effects }) => {
    expect(transition(state, events[event])).toStrictEqual({ ok: true, state: next, effects });
  });

  it.each(rejectedCases)('rejects %s in %s', (event, state) => {
    const result = transition(state, events[event]);
    expect(result).toStrictEqual({ ok: false, error: { code: 'transition_rejected', state, event } });
  });

  it.each(conversationEventTypes)('accepts nothing once closed: %s', (event) => {
    expect(transition('closed', events[event]).ok).toBe(false);
  });

  it.each<ConversationState>(['bot', 'queued', 'agent', 'resolved'])('assigns the agent named by the event, from %s', (state) => {
    const result = transition(state, { type: 'agent.accepted', agentId: 'agent-42' });
    expect(result.ok && result.effects.filter((effect) => effect.type === 'assign')).toStrictEqual([
      { type: 'assign', agentId: 'agent-42' },
    ]);
  });

  // The visitors still waiting must learn their new places whenever one joins or leaves the queue, whatever the event.
  it.each(allowed)('says the queue changed exactly when a conversation joins or leaves it: $state + $event', ({ state, event }) => {
    const result = transition(state, events[event]);
    const crosses = result.ok && (state === 'queued') !== (result.state === 'queued');
    expect(result.ok && result.effects.some((effect) => effect.type === 'queue-changed')).toBe(crosses);
  });

  it.each([
    [{ to: 'bot' } as const, 'bot', [runBotTurn]],
    [{ to: 'queue' } as const, 'queued', [route, queueChanged]],
    [{ to: 'agent', agentId: 'a1' } as const, 'agent', [assignA1]],
  ])('reopens a resolved conversation as the rule says: %j', (reopen, next, effects) => {
    expect(transition('resolved', { type: 'visitor.message', reopen })).toStrictEqual({ ok: true, state: next, effects });
  });

  it('ignores a reopen target while the conversation is open', () => {
    const reopen = { to: 'queue' } as const;
    expect(transition('bot', { type: 'visitor.message', reopen })).toStrictEqual({ ok: true, state: 'bot', effects: [runBotTurn] });
    expect(transition('agent', { type: 'visitor.message', reopen })).toStrictEqual({ ok: true, state: 'agent', effects: [] });
  });

  it.each<[ConversationState, Effect[]]>([
    ['bot', [cancelBotTurn, { type: 'set-team', teamId: 't1' }, route, queueChanged]],
    ['queued', [{ type: 'set-team', teamId: 't1' }, route]],
    ['agent', [{ type: 'set-team', teamId: 't1' }, route, queueChanged]],
  ])("transfers a conversation in %s to a team's queue", (state, effects) => {
    const event: ConversationEvent = { type: 'conversation.transferred', target: { to: 'team', teamId: 't1' } };
    expect(transition(state, event)).toStrictEqual({ ok: true, state: 'queued', effects });
  });

  // Leaving `bot` with a turn still streaming would let its reply land in a conversation a human now owns.
  it.each(leavingBot)('stops the bot when it leaves the bot state on %s', (event) => {
    const result = transition('bot', events[event]);
    expect(result.ok && result.effects[0]).toStrictEqual(cancelBotTurn);
  });

  it.each(allCases)('answers %s in %s the same way twice, leaving the event untouched', (event, state) => {
    const input = structuredClone(events[event]);
    const first = transition(state, input);
    const second = transition(state, input);
    expect(second).toStrictEqual(first);
    expect(input).toStrictEqual(events[event]);
  });
});
