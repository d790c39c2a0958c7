/**
 * Examples of the `/api/bot/actions` routes for the API reference, checked against their schemas by the OpenAPI test.
 * @module
 */
import type { BotAction, BotActionCreate, BotActionList, BotActionUpdate } from '@parley/protocol';

/** Body of `POST /api/bot/actions`: look an order up in the shop's API with its key. */
export const botActionCreateExample = {
  name: 'lookup_order',
  description: "Finds an order by its number and the buyer's e-mail address: its status, carrier and tracking number.",
  method: 'GET',
  url: 'https://shop.example/api/orders/{{order_number}}',
  headers: { Authorization: 'Bearer {{secrets.SHOP_API_KEY}}' },
  secrets: { SHOP_API_KEY: 'sk_live_…' },
  inputSchema: {
    type: 'object',
    properties: { order_number: { type: 'string', pattern: '^[0-9]{4,10}$' }, email: { type: 'string', format: 'email' } },
    required: ['order_number', 'email'],
  },
  responseFields: ['status', 'shipment.carrier', 'shipment.tracking'],
  timeoutMs: 5000,
  requiresVerifiedContact: false,
} satisfies BotActionCreate;

/** Answer of `POST /api/bot/actions`: the action, its secrets by name only. */
export const botActionCreatedExample = {
  id: '0d6c2a86-6a6c-4f5e-9a39-3f7f3cb1d2a1',
  name: botActionCreateExample.name,
  description: botActionCreateExample.description,
  enabled: true,
  policy: 'auto',
  method: 'GET',
  url: botActionCreateExample.url,
  headers: botActionCreateExample.headers,
  secretNames: ['SHOP_API_KEY'],
  inputSchema: botActionCreateExample.inputSchema,
  responseFields: botActionCreateExample.responseFields,
  timeoutMs: 5000,
  requiresVerifiedContact: false,
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
} satisfies BotAction;

/** Answer of `GET /api/bot/actions`. */
export const botActionListExample = { actions: [botActionCreatedExample] } satisfies BotActionList;

/** Body of `PATCH /api/bot/actions/:actionId`: a new key, and the action turned off for now. */
export const botActionUpdateExample = { secrets: { SHOP_API_KEY: 'sk_live_…' }, enabled: false } satisfies BotActionUpdate;

/** Answer of `PATCH /api/bot/actions/:actionId`: the action after {@link botActionUpdateExample}. */
export const botActionUpdatedExample = {
  ...botActionCreatedExample,
  enabled: false,
  updatedAt: '2026-11-30T09:30:00.000Z',
} satisfies BotAction;
