/**
 * Examples of the handoff routes' bodies and answers (presence, teams, routing, people, follow-ups), shown in the API
 * reference (`config.example`); openapi.test.ts checks each against its route's schema. One organization throughout:
 * Acme Outdoor, its agents Alex Kim (an admin) and Sam Rivera, and their "Returns & warranty" team.
 * @module
 */
import type {
  AgentPresence,
  ConversationSummary,
  Invitation,
  PeopleList,
  Person,
  PersonUpdate,
  PresenceList,
  RoutingSettings,
  SlaClock,
  SlaPolicy,
  Team,
  TeamCreate,
  TeamList,
  TeamUpdate,
  Ticket,
  TicketCreate,
  TicketUpdate,
  WidgetRouting,
  WidgetRoutingUpdate,
  agentCapacityUpdateSchema,
  routingDefaultsUpdateSchema,
  slaPolicyUpdateSchema,
} from '@parley/protocol';
import type { z } from 'zod';

const alexId = '7e2c5a91-4d3b-4f8e-a6c2-1b9d0e4f3a57';
const samId = '3b9d2f4e-8c1a-4e7b-9f2d-6a5c8e1b7d40';
const widgetId = '9d4b7e2a-3c6f-4a1d-b8e5-2f7c0a9d6b38';

/** Sam Rivera, online. */
export const agentPresenceExample = { userId: samId, name: 'Sam Rivera', status: 'online' } satisfies AgentPresence;

/** Answer of `GET /api/presence`: the organization's agents by name. */
export const presenceListExample = {
  agents: [{ userId: alexId, name: 'Alex Kim', status: 'away' }, agentPresenceExample],
} satisfies PresenceList;

/** The "Returns & warranty" team. */
export const teamExample = {
  id: '5a1e9c3b-7d2f-4b8a-9e6c-0f4d2b8a1c65',
  name: 'Returns & warranty',
  memberIds: [alexId, samId],
  botProfileId: null,
} satisfies Team;

/** Answer of `GET /api/teams`. */
export const teamListExample = { teams: [teamExample] } satisfies TeamList;

/** Body of `POST /api/teams`, which answers with {@link teamExample}. */
export const teamCreateExample = { name: teamExample.name, memberIds: teamExample.memberIds } satisfies TeamCreate;

/** Body of `PATCH /api/teams/:teamId`: a new name. */
export const teamUpdateExample = { name: 'Warranty & repairs' } satisfies TeamUpdate;

/** Answer of `PATCH /api/teams/:teamId`: the renamed team. */
export const teamUpdatedExample = { ...teamExample, ...teamUpdateExample } satisfies Team;

/** A widget's routing: round robin among everyone, open on weekdays, with a pre-chat topic for the returns team. */
export const widgetRoutingExample = {
  strategy: 'round_robin',
  teamId: null,
  reopen: 'last_agent',
  hours: {
    timeZone: 'America/Denver',
    weekly: {
      monday: [{ open: '09:00', close: '17:00' }],
      tuesday: [{ open: '09:00', close: '17:00' }],
      wednesday: [{ open: '09:00', close: '17:00' }],
      thursday: [{ open: '09:00', close: '17:00' }],
      friday: [{ open: '09:00', close: '15:00' }],
    },
    holidays: ['2026-11-26', '2026-12-25'],
  },
  topics: [
    { id: 'orders', label: 'Orders & shipping', teamId: null },
    { id: 'returns', label: 'Returns & warranty', teamId: teamExample.id },
  ],
} satisfies WidgetRouting;

/** Answer of `GET /api/routing` (and of its changes). */
export const routingSettingsExample = {
  defaultMaxConversations: 3,
  agents: [
    { userId: alexId, name: 'Alex Kim', maxConversations: 5 },
    { userId: samId, name: 'Sam Rivera', maxConversations: null },
  ],
  widgets: [{ id: widgetId, name: 'Acme Outdoor help', routing: widgetRoutingExample }],
} satisfies RoutingSettings;

/** Body of `PATCH /api/routing`: the organization's default capacity. */
export const routingDefaultsUpdateExample = {
  defaultMaxConversations: routingSettingsExample.defaultMaxConversations,
} satisfies z.input<typeof routingDefaultsUpdateSchema>;

/** Body of `PATCH /api/routing/agents/:userId`: Alex Kim takes up to 5 conversations at once. */
export const agentCapacityUpdateExample = { maxConversations: 5 } satisfies z.input<typeof agentCapacityUpdateSchema>;

/** Body of `PATCH /api/routing/widgets/:widgetId`: give each conversation to the agent with the fewest. */
export const widgetRoutingUpdateExample = { strategy: 'least_loaded' } satisfies WidgetRoutingUpdate;

/** Answer of `PATCH /api/routing/widgets/:widgetId`: the widget's routing now. */
export const widgetRoutingUpdatedExample = { ...widgetRoutingExample, ...widgetRoutingUpdateExample } satisfies WidgetRouting;

/** Sam Rivera, an agent of the returns team. */
export const personExample = {
  id: samId,
  name: 'Sam Rivera',
  email: 'sam.rivera@acme-outdoor.example',
  role: 'agent',
  status: 'active',
  teamIds: [teamExample.id],
  maxConversations: null,
  openConversations: 2,
  lastLoginAt: '2026-11-02T15:58:20.000Z',
  createdAt: '2026-03-09T10:12:45.000Z',
} satisfies Person;

/** An invitation Alex Kim sent, not yet accepted. */
export const invitationExample = {
  id: 'c4f8a2d6-1e9b-4c3a-8d7f-5b2e6a9c0f13',
  email: 'jordan.lee@acme-outdoor.example',
  role: 'agent',
  teamIds: [teamExample.id],
  invitedBy: alexId,
  createdAt: '2026-10-30T09:41:02.000Z',
  expiresAt: '2026-11-06T09:41:02.000Z',
  expired: false,
} satisfies Invitation;

/** Answer of `GET /api/people`. */
export const peopleListExample = {
  people: [
    {
      id: alexId,
      name: 'Alex Kim',
      email: 'alex.kim@acme-outdoor.example',
      role: 'admin',
      status: 'active',
      teamIds: [teamExample.id],
      maxConversations: 5,
      openConversations: 3,
      lastLoginAt: '2026-11-02T14:03:11.000Z',
      createdAt: '2026-01-15T08:30:00.000Z',
    },
    personExample,
  ],
  invitations: [invitationExample],
  defaultMaxConversations: routingSettingsExample.defaultMaxConversations,
} satisfies PeopleList;

/** Body of `PATCH /api/people/:userId`: deactivate someone. */
export const personUpdateExample = { status: 'deactivated' } satisfies PersonUpdate;

/** Answer of `PATCH /api/people/:userId`: Sam Rivera deactivated, their conversations back in the queue. */
export const personUpdatedExample = { ...personExample, ...personUpdateExample, openConversations: 0 } satisfies Person;

/** A high-priority follow-up just opened: its clocks appear once its first check has run. */
export const ticketExample = {
  status: 'open',
  priority: 'high',
  createdAt: '2026-11-02T17:03:11.000Z',
  pendingSince: null,
  sla: [],
} satisfies Ticket;

/** A follow-up's resolution clock: 8 business hours from its opening, warning 30 minutes before. */
export const slaClockExample = {
  metric: 'resolution',
  startedAt: ticketExample.createdAt,
  dueAt: '2026-11-03T17:03:11.000Z',
  warnAt: '2026-11-03T16:33:11.000Z',
  state: 'running',
} satisfies SlaClock;

/** Maya Patel's conversation with Sam Rivera about a torn tent pole, made a follow-up. */
export const conversationSummaryExample = {
  id: 'e6a3c9f1-2b8d-4e5a-9c7b-4d1f8a2e0b96',
  status: 'agent',
  contact: { id: '1f7b4d9e-6a2c-4f3b-8e1d-9c5a7b3f2e04', name: 'Maya Patel', email: 'maya.patel@example.com' },
  assignee: { id: samId, name: 'Sam Rivera' },
  team: { id: teamExample.id, name: teamExample.name },
  topic: 'Returns & warranty',
  transferNote: null,
  ticket: ticketExample,
  lastSeq: 5,
  visitorSeenSeq: 5,
  lastMessage: {
    body: 'I have passed this on to our warranty team: we will get back to you by tomorrow.',
    authorKind: 'agent',
  },
  createdAt: '2026-11-02T16:52:40.000Z',
  updatedAt: '2026-11-02T17:03:11.000Z',
  lastMessageAt: '2026-11-02T17:02:58.000Z',
  widgetId,
  waitingSince: null,
} satisfies ConversationSummary;

/** Body of `POST /api/conversations/:conversationId/ticket`, which answers with {@link conversationSummaryExample}. */
export const ticketCreateExample = { priority: ticketExample.priority } satisfies TicketCreate;

/** Body of `PATCH /api/conversations/:conversationId/ticket`: now waiting on the customer. */
export const ticketUpdateExample = { pending: true } satisfies TicketUpdate;

/** Answer of `PATCH /api/conversations/:conversationId/ticket`: pending, only its resolution clock running. */
export const pendingConversationExample = {
  ...conversationSummaryExample,
  ticket: { ...ticketExample, status: 'pending', pendingSince: '2026-11-02T17:41:05.000Z', sla: [slaClockExample] },
  lastSeq: 7,
  visitorSeenSeq: 7,
  lastMessage: { body: 'Could you send us a photo of the damaged pole and your order number?', authorKind: 'agent' },
  updatedAt: '2026-11-02T17:41:05.000Z',
  lastMessageAt: '2026-11-02T17:40:51.000Z',
} satisfies ConversationSummary;

/** The organization's follow-up policy: answer of `GET /api/routing/sla`, body and answer of `PUT /api/routing/sla`. */
export const slaPolicyExample = {
  targets: {
    low: { firstResponseMinutes: 480, nextResponseMinutes: 1440, resolutionMinutes: 4320 },
    normal: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
    high: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
    urgent: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: null },
  },
  warnBeforeMinutes: 30,
  resolvePendingAfterHours: 72,
} satisfies SlaPolicy & z.input<typeof slaPolicyUpdateSchema>;
