/**
 * `/api/bot/actions`: HTTP actions an admin declares for the organization's bot. Each is a tool the model may call: it
 * fills the input (checked against the action's JSON Schema), Parley renders the request from the action's templates,
 * sends it through the outbound guard with the action's secrets, and shows the model only the response fields listed.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';

/** The limits of an action, the same on the server. */
export const BOT_ACTION_LIMITS = {
  description: 1000,
  url: 2000,
  headers: 20,
  headerValue: 2000,
  secrets: 20,
  secretValue: 4000,
  responseFields: 50,
  /** Bytes of the input schema as JSON. */
  inputSchema: 20_000,
  timeoutMs: 30_000,
  confirmationText: 500,
  /** Seconds a `confirm` or `approve` call waits for its decision. */
  decisionTimeoutSeconds: { min: 5, max: 86_400 },
} as const;

/** The HTTP methods an action may use. */
export const BOT_ACTION_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The names of the bot's own tools, which no action may take. */
export const BOT_BUILT_IN_TOOL_NAMES = ['handoff_to_human', 'collect_contact', 'search_knowledge_base', 'offer_quick_replies'] as const;

/**
 * Header names an action or an MCP server may not set: the connection's own (the outbound guard sets them) and `Host`
 * (which would send a request for an allowed address to another site on the same machine).
 */
export const FORBIDDEN_HEADER_NAMES = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
] as const;

/** A header's name, checked against {@link FORBIDDEN_HEADER_NAMES}. */
export const outboundHeaderNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'A header name, such as Authorization.')
  .refine((name) => !(FORBIDDEN_HEADER_NAMES as readonly string[]).includes(name.toLowerCase()), 'Parley sets this header itself.');

/** A secret's value: it goes in an HTTP header, so visible ASCII and spaces only. */
export const headerSecretValueSchema = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength, `At most ${maxLength} characters.`)
    .regex(/^[\x20-\x7e]+$/, 'Secrets go in HTTP headers: visible ASCII characters and spaces only.');

/** A header's value template: visible ASCII and spaces, as HTTP headers take them. */
export const headerTemplateSchema = (maxLength: number) =>
  z
    .string()
    .trim()
    .max(maxLength, `At most ${maxLength} characters.`)
    .regex(/^[\x20-\x7e]*$/, 'Headers take visible ASCII characters and spaces only.');

/** An action's tool name, as the model sees it: `lookup_order`. */
export const botActionNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'Lowercase letters, digits and underscores, starting with a letter, 2 to 64 characters.')
  .refine((name) => !(BOT_BUILT_IN_TOOL_NAMES as readonly string[]).includes(name), 'The bot has a tool of its own with this name.');

/** A secret's name, as templates reference it: `{{secrets.SHOP_API_KEY}}`. */
export const botActionSecretNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'Letters, digits and underscores, starting with a letter, at most 64 characters.');

/**
 * When the bot may call an action: `auto`, whenever the model decides to; `confirm`, once the visitor confirms (the
 * widget shows what will happen with Confirm / Cancel, and the turn waits); `approve`, once an agent approves (the
 * conversation waits, the console shows an approval card, and the bot goes on after the decision; no decision in time
 * counts as a refusal). No text the model reads (a document, a tool's output, the visitor's words) can change it.
 */
export const botActionPolicySchema = z.enum(['auto', 'confirm', 'approve']);
/** When the bot may call an action. */
export type BotActionPolicy = z.infer<typeof botActionPolicySchema>;

/**
 * The input the model fills, as a JSON Schema of an object: `{ "type": "object", "properties": { "order_number":
 * { "type": "string" } }, "required": ["order_number"] }`. The server also checks that it compiles.
 */
export const botActionInputSchemaSchema = z
  .looseObject({
    type: z.literal('object', 'The input schema must describe an object: "type": "object".'),
    properties: z.record(z.string(), z.unknown()).optional(),
    required: z.array(z.string()).optional(),
  })
  .refine((schema) => JSON.stringify(schema).length <= BOT_ACTION_LIMITS.inputSchema, {
    message: `At most ${BOT_ACTION_LIMITS.inputSchema} characters of JSON.`,
  });

/**
 * The request's address, with `{{name}}` for an input (URL-encoded where it goes): `https://shop.example/api/orders/
 * {{order_number}}`. Secrets never go in the address (addresses end up in logs): put them in a header.
 */
export const botActionUrlSchema = z
  .string()
  .trim()
  .max(BOT_ACTION_LIMITS.url, `At most ${BOT_ACTION_LIMITS.url} characters.`)
  .regex(
    /^https?:\/\/[^\s/?#{}@]+(?:[/?#]\S*)?$/i,
    'An http:// or https:// address, such as https://shop.example/api/orders/{{order_number}}.',
  )
  .refine((url) => !/\{\{\s*secrets\./.test(url), 'Secrets never go in the address: put them in a header.');

/** An action as admins see it: never its secrets' values, only their names. */
export const botActionSchema = z.object({
  id: z.string(),
  /** The tool's name for the model. */
  name: z.string(),
  /** What the action does and when to use it, for the model. */
  description: z.string(),
  enabled: z.boolean(),
  policy: botActionPolicySchema,
  /**
   * For `confirm` and `approve`: what a call will do, in plain words, with `{{field}}` for its inputs ("Refund order
   * {{order_number}}"); empty: the action's name followed by its inputs.
   */
  confirmationText: z.string(),
  /** For `approve`: the team whose agents decide; null: any agent. Admins always may. */
  approverTeamId: z.string().nullable(),
  /** For `confirm` and `approve`: how long the decision is waited for; then the call counts as refused. */
  decisionTimeoutSeconds: z.number().int(),
  method: z.enum(BOT_ACTION_METHODS),
  url: z.string(),
  /** Header name → value template (`Bearer {{secrets.SHOP_API_KEY}}`). */
  headers: z.record(z.string(), z.string()),
  secretNames: z.array(z.string()),
  inputSchema: z.record(z.string(), z.unknown()),
  /**
   * The response's fields the model sees, as dotted paths (`status`, `shipment.carrier`, `items.name` for each item's
   * name); empty: the whole JSON response. Either way at most 4,000 characters reach the model.
   */
  responseFields: z.array(z.string()),
  timeoutMs: z.number().int(),
  /** Only for a visitor whose identity the site verified (identity verification); others are asked to sign in. */
  requiresVerifiedContact: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** An action as admins see it. */
export type BotAction = z.infer<typeof botActionSchema>;

/** Answer of `GET /api/bot/actions`. */
export const botActionListSchema = z.object({ actions: z.array(botActionSchema) });
/** Answer of `GET /api/bot/actions`. */
export type BotActionList = z.infer<typeof botActionListSchema>;

const headersSchema = z
  .record(outboundHeaderNameSchema, headerTemplateSchema(BOT_ACTION_LIMITS.headerValue))
  .refine((headers) => Object.keys(headers).length <= BOT_ACTION_LIMITS.headers, `At most ${BOT_ACTION_LIMITS.headers} headers.`);
const responseFieldsSchema = z
  .array(z.string().regex(/^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/, 'A dotted path, such as shipment.carrier.'))
  .max(BOT_ACTION_LIMITS.responseFields);
const timeoutSchema = z.number().int().min(500).max(BOT_ACTION_LIMITS.timeoutMs);
const confirmationTextSchema = storableTextSchema(BOT_ACTION_LIMITS.confirmationText);
const decisionTimeoutSchema = z
  .number()
  .int()
  .min(BOT_ACTION_LIMITS.decisionTimeoutSeconds.min)
  .max(BOT_ACTION_LIMITS.decisionTimeoutSeconds.max);

/** Body of `POST /api/bot/actions`. Secrets are given here (and in updates) and never shown again. */
export const botActionCreateSchema = z.strictObject({
  name: botActionNameSchema,
  description: storableTextSchema(BOT_ACTION_LIMITS.description).pipe(z.string().min(1, 'Say what the action does and when to use it.')),
  enabled: z.boolean().default(true),
  policy: botActionPolicySchema.default('auto'),
  confirmationText: confirmationTextSchema.default(''),
  approverTeamId: z.uuid().nullable().default(null),
  decisionTimeoutSeconds: decisionTimeoutSchema.default(900),
  method: z.enum(BOT_ACTION_METHODS),
  url: botActionUrlSchema,
  headers: headersSchema.default({}),
  secrets: z
    .record(botActionSecretNameSchema, headerSecretValueSchema(BOT_ACTION_LIMITS.secretValue))
    .refine((secrets) => Object.keys(secrets).length <= BOT_ACTION_LIMITS.secrets, `At most ${BOT_ACTION_LIMITS.secrets} secrets.`)
    .default({}),
  inputSchema: botActionInputSchemaSchema,
  responseFields: responseFieldsSchema.default([]),
  timeoutMs: timeoutSchema.default(10_000),
  requiresVerifiedContact: z.boolean().default(false),
});
/** Body of `POST /api/bot/actions`. */
export type BotActionCreate = z.input<typeof botActionCreateSchema>;

/**
 * Body of `PATCH /api/bot/actions/:actionId`: the fields to change. `secrets` sets the secrets named (a value) or
 * removes them (null); the others are kept.
 */
export const botActionUpdateSchema = z.strictObject({
  name: botActionNameSchema.optional(),
  description: storableTextSchema(BOT_ACTION_LIMITS.description)
    .pipe(z.string().min(1, 'Say what the action does and when to use it.'))
    .optional(),
  enabled: z.boolean().optional(),
  policy: botActionPolicySchema.optional(),
  confirmationText: confirmationTextSchema.optional(),
  approverTeamId: z.uuid().nullable().optional(),
  decisionTimeoutSeconds: decisionTimeoutSchema.optional(),
  method: z.enum(BOT_ACTION_METHODS).optional(),
  url: botActionUrlSchema.optional(),
  headers: headersSchema.optional(),
  secrets: z.record(botActionSecretNameSchema, headerSecretValueSchema(BOT_ACTION_LIMITS.secretValue).nullable()).optional(),
  inputSchema: botActionInputSchemaSchema.optional(),
  responseFields: responseFieldsSchema.optional(),
  timeoutMs: timeoutSchema.optional(),
  requiresVerifiedContact: z.boolean().optional(),
});
/** Body of `PATCH /api/bot/actions/:actionId`. */
export type BotActionUpdate = z.input<typeof botActionUpdateSchema>;

/** Path parameters of one action's routes. */
export const botActionParamsSchema = z.object({ actionId: z.uuid() });
