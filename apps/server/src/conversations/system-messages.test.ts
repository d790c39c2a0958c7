import { describe, expect, it } from 'vitest';
import type { ConversationEvent, ConversationState } from './machine.js';
import { planSystemEvents } from './system-messages.js';

describe('planSystemEvents', () => {
  it.each<[ConversationState, ConversationState, ConversationEvent, string | null, unknown[]]>([
    [
      'bot',
      'queued',
      { type: 'handoff.requested', by: 'visitor', reason: 'button' },
      null,
      [{ type: 'handoff_requested', by: 'visitor' }, { type: 'queued' }],
    ],
    [
      'bot',
      'queued',
      { type: 'handoff.requested', by: 'rule', reason: 'words' },
      null,
      [{ type: 'handoff_requested', by: 'rule' }, { type: 'queued' }],
    ],
    [
      'resolved',
      'queued',
      { type: 'handoff.requested', by: 'bot', reason: 'tool' },
      null,
      [{ type: 'handoff_requested', by: 'bot' }, { type: 'queued' }],
    ],
    ['queued', 'agent', { type: 'agent.accepted', agentId: 'a1' }, 'Robin', [{ type: 'agent_joined', agentName: 'Robin' }]],
    ['agent', 'agent', { type: 'agent.accepted', agentId: 'a2' }, 'Kim', [{ type: 'agent_joined', agentName: 'Kim' }]],
    ['agent', 'agent', { type: 'agent.accepted', agentId: 'a1' }, null, []],
    ['agent', 'bot', { type: 'agent.handed-back', agentId: 'a1' }, null, [{ type: 'handed_back_to_bot' }]],
    ['agent', 'resolved', { type: 'conversation.resolved', by: 'agent' }, null, [{ type: 'resolved' }]],
    ['bot', 'resolved', { type: 'inactivity.timeout' }, null, [{ type: 'resolved' }]],
    ['resolved', 'bot', { type: 'visitor.message' }, null, [{ type: 'reopened' }]],
    ['resolved', 'closed', { type: 'inactivity.timeout' }, null, []],
    ['bot', 'bot', { type: 'visitor.message' }, null, []],
    ['bot', 'bot', { type: 'bot.replied' }, null, []],
  ])('%s → %s on %o tells the visitor %j', (from, to, event, assignedTo, expected) => {
    expect(planSystemEvents(from, to, event, assignedTo)).toEqual(expected);
  });
});
