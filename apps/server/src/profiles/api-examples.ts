/**
 * Examples of the `/api/bot/profiles` routes for the API reference, checked against their schemas by the OpenAPI test.
 * @module
 */
import type { BotProfile, BotProfileCreate, BotProfileList, BotProfileUpdate } from '@parley/protocol';

/** Body of `POST /api/bot/profiles`: a bot for billing questions, answering from the billing articles only. */
export const botProfileCreateExample = {
  name: 'Billing',
  description: 'Invoices, refunds and plan changes; the Billing team’s conversations.',
  botName: 'Robin',
  persona: 'You are Robin, who helps Harbor & Pine customers with invoices, refunds and plans.',
  instructions: 'Ask for the order number before anything else. Never promise a refund: the refund action decides.',
  handoff: { afterRepliesWithoutSource: 2 },
  knowledgeScope: { tags: ['billing', 'refunds'], sourceIds: [] },
} satisfies BotProfileCreate;

/** Answer of `POST /api/bot/profiles`: the profile of {@link botProfileCreateExample}, every other field its default. */
export const botProfileCreatedExample = {
  id: '2b0f3a4c-7d1e-4f5a-9b6c-8d7e6f5a4b3c',
  name: 'Billing',
  description: 'Invoices, refunds and plan changes; the Billing team’s conversations.',
  botName: 'Robin',
  persona: 'You are Robin, who helps Harbor & Pine customers with invoices, refunds and plans.',
  tone: 'Friendly, concise, plain text. Answer in the language the visitor writes in.',
  instructions: 'Ask for the order number before anything else. Never promise a refund: the refund action decides.',
  businessFacts: '',
  model: null,
  handoff: { afterRepliesWithoutSource: 2, afterNotHelpful: 2, onProviderFailure: true },
  turnTaking: null,
  knowledgeScope: { tags: ['billing', 'refunds'], sourceIds: [] },
  tools: null,
  toolPolicies: {},
  usedBy: { widgetIds: [], teamIds: [] },
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
} satisfies BotProfile;

/**
 * Body of `PATCH /api/bot/profiles/:profileId`: the order lookup action only (no other action or MCP tool), which this
 * bot asks the visitor to confirm first, on a larger model.
 */
export const botProfileUpdateExample = {
  model: 'claude-sonnet-5',
  tools: ['lookup_order'],
  toolPolicies: { lookup_order: 'confirm' },
} satisfies BotProfileUpdate;

/** Answer of `PATCH /api/bot/profiles/:profileId`: the profile after {@link botProfileUpdateExample}, chosen by a team. */
export const botProfileUpdatedExample = {
  ...botProfileCreatedExample,
  model: 'claude-sonnet-5',
  tools: ['lookup_order'],
  toolPolicies: { lookup_order: 'confirm' },
  usedBy: { widgetIds: [], teamIds: ['5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f'] },
  updatedAt: '2026-11-30T09:30:00.000Z',
} satisfies BotProfile;

/** Answer of `GET /api/bot/profiles`. */
export const botProfileListExample = { profiles: [botProfileUpdatedExample] } satisfies BotProfileList;
