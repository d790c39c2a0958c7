/**
 * Builders of protocol objects for tests: valid defaults, overridden per test.
 * @module
 */
import type { Agent, ConversationSummary, Message, Note, SlaClock, Ticket } from '@parley/protocol';

/** A conversation id used across tests. */
export const CONVERSATION_ID = '5f0c2a9e-0a4b-4c49-9d1e-3f6f6c1f2b10';

/** The widget of the conversations built here. */
export const WIDGET_ID = '7d3b1c52-6a0e-4f1b-8e2d-0c9a8b7f6e5d';

/** A stored message with sequence number `seq`. */
export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `message-${seq}`,
    conversationId: CONVERSATION_ID,
    seq,
    clientId: null,
    author: { kind: 'visitor', id: null, name: null },
    body: `Message ${seq}`,
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, seq)).toISOString(),
    ...overrides,
  };
}

/** Internal note number `n`, by the signed-in agent, before the first message unless `afterSeq` says otherwise. */
export function note(n: number, overrides: Partial<Note> = {}): Note {
  return {
    id: `note-${n}`,
    conversationId: CONVERSATION_ID,
    afterSeq: 0,
    body: `Note ${n}`,
    author: { id: agent.id, name: agent.name },
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 1, n)).toISOString(),
    ...overrides,
  };
}

/** A conversation summary. */
export function summary(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: CONVERSATION_ID,
    status: 'queued',
    contact: { id: '0b7c7d1e-1111-4a2b-9c3d-123456789abc', name: 'Ada Lovelace', email: 'ada@example.com' },
    assignee: null,
    team: null,
    topic: null,
    transferNote: null,
    ticket: null,
    lastSeq: 0,
    visitorSeenSeq: 0,
    lastMessage: null,
    createdAt: '2025-01-01T12:00:00.000Z',
    updatedAt: '2025-01-01T12:00:00.000Z',
    lastMessageAt: null,
    widgetId: WIDGET_ID,
    waitingSince: null,
    ...overrides,
  };
}

/** A follow-up: open, normal priority, no clock running. */
export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    status: 'open',
    priority: 'normal',
    createdAt: '2025-01-01T12:00:00.000Z',
    pendingSince: null,
    sla: [],
    ...overrides,
  };
}

/** An SLA clock on time: the first response, due four hours after the follow-up opened. */
export function slaClock(overrides: Partial<SlaClock> = {}): SlaClock {
  return {
    metric: 'first_response',
    startedAt: '2025-01-01T12:00:00.000Z',
    dueAt: '2025-01-01T16:00:00.000Z',
    warnAt: '2025-01-01T15:30:00.000Z',
    state: 'running',
    ...overrides,
  };
}

/** The signed-in agent. */
export const agent: Agent = {
  id: 'agent-1',
  email: 'grace@example.com',
  name: 'Grace Hopper',
  role: 'agent',
  organizationId: 'organization-1',
  organizationName: 'Acme',
};
