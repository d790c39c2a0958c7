import { describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationState } from './machine.js';
import { planSystemEvents, type PlannedHandover } from './system-messages.js';

const none: PlannedHandover = { assignedTo: null, transferredTo: null };
const joined = (name: string): PlannedHandover => ({ assignedTo: name, transferredTo: null });
const toTeam: ConversationEvent = { type: 'conversation.transferred', target: { to: 'team', teamId: 't1' } };
const toAgent: ConversationEvent = { type: 'conversation.transferred', target: { to: 'agent', agentId: 'a2' } };

describe('planSystemEvents', () => {
  it.each<[ConversationState, ConversationState, ConversationEvent, PlannedHandover, unknown[]]>([
    [
      'bot',
      'queued',
      { type: 'handoff.requested', trigger: 'visitor_button', reason: 'button' },
      none,
      [{ type: 'handoff_requested', by: 'visitor' }, { type: 'queued' }],
    ],
    // The button and the visitor's words are one request to the visitor: the same lines.
    [
      'bot',
      'queued',
      { type: 'handoff.requested', trigger: 'visitor_words', reason: 'words' },
      none,
      [{ type: 'handoff_requested', by: 'visitor' }, { type: 'queued' }],
    ],
    [
      'bot',
      'queued',
      { type: 'handoff.requested', trigger: 'no_source_replies', reason: 'three replies without a source' },
      none,
      [{ type: 'handoff_requested', by: 'rule' }, { type: 'queued' }],
    ],
    [
      'resolved',
      'queued',
      { type: 'handoff.requested', trigger: 'bot_tool', reason: 'tool' },
      none,
      [{ type: 'handoff_requested', by: 'bot' }, { type: 'queued' }],
    ],
    ['queued', 'agent', { type: 'agent.accepted', agentId: 'a1' }, joined('Robin'), [{ type: 'agent_joined', agentName: 'Robin' }]],
    ['agent', 'agent', { type: 'agent.accepted', agentId: 'a2' }, joined('Kim'), [{ type: 'agent_joined', agentName: 'Kim' }]],
    ['agent', 'agent', { type: 'agent.accepted', agentId: 'a1' }, none, []],
    ['agent', 'queued', { type: 'agent.unassigned', agentId: 'a1' }, none, [{ type: 'queued' }]],
    ['agent', 'agent', toAgent, { assignedTo: 'Sam', transferredTo: 'Sam' }, [{ type: 'transferred', to: 'Sam' }]],
    [
      'agent',
      'queued',
      toTeam,
      { assignedTo: null, transferredTo: 'Billing' },
      [{ type: 'transferred', to: 'Billing' }, { type: 'queued' }],
    ],
    [
      'queued',
      'queued',
      toTeam,
      { assignedTo: null, transferredTo: 'Billing' },
      [{ type: 'transferred', to: 'Billing' }, { type: 'queued' }],
    ],
    ['agent', 'bot', { type: 'agent.handed-back', agentId: 'a1' }, none, [{ type: 'handed_back_to_bot' }]],
    ['agent', 'resolved', { type: 'conversation.resolved', by: 'agent' }, none, [{ type: 'resolved' }]],
    ['bot', 'resolved', { type: 'inactivity.timeout' }, none, [{ type: 'resolved' }]],
    ['resolved', 'bot', { type: 'visitor.message' }, none, [{ type: 'reopened' }]],
    ['resolved', 'queued', { type: 'visitor.message', reopen: { to: 'queue' } }, none, [{ type: 'reopened' }, { type: 'queued' }]],
    // Back to the agent who had it: they were there already, so nobody "joins".
    ['resolved', 'agent', { type: 'visitor.message', reopen: { to: 'agent', agentId: 'a1' } }, none, [{ type: 'reopened' }]],
    ['resolved', 'closed', { type: 'inactivity.timeout' }, none, []],
    ['bot', 'bot', { type: 'visitor.message' }, none, []],
    ['bot', 'bot', { type: 'bot.replied' }, none, []],
  ])('%s → %s on %o tells the visitor %j', (from, to, event, handover, expected) => {
    expect(planSystemEvents(from, to, event, handover)).toEqual(expected);
  });
});
