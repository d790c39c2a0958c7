/**
 * `/api/bot/profiles`: the organization's named bots. A profile says who the bot is (its name and persona), which
 * model it runs on, what it is told (tone, instructions, business facts), which documents it answers from, which
 * actions and MCP tools it may call, and when it hands over. A widget or a team chooses one; a widget that chooses none
 * keeps the bot settings of its own. The profile that answered is stored with every bot message.
 * @module
 */
import { z } from 'zod';
import { BOT_TEXT_LIMITS, labelSchema, verbatimTextSchema, widgetHandoffSchema, widgetTurnTakingSchema } from './widget-admin.js';

/** The limits of a profile, the same on the server. */
export const BOT_PROFILE_LIMITS = {
  name: 80,
  description: 500,
  botName: 80,
  model: 100,
  /** Tags and websites of its knowledge scope, each. */
  scopeEntries: 50,
  tag: 100,
  tools: 100,
} as const;

/** A model id as providers name them: `claude-haiku-5-5`, `llama3.1:8b`, `Qwen/Qwen2.5-7B-Instruct`. */
export const botModelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/, 'A model id, such as claude-haiku-5-5 or llama3.1:8b: letters, digits and . _ : / @ -.');

/** A knowledge-base tag: one line, trimmed, not blank. */
export const knowledgeTagSchema = z
  .string()
  .trim()
  .min(1, 'A tag cannot be blank.')
  .max(BOT_PROFILE_LIMITS.tag, `At most ${BOT_PROFILE_LIMITS.tag} characters.`)
  .refine((tag) => !/\p{Cc}/u.test(tag), 'A tag must be one line, without control characters.')
  .refine((tag) => tag.isWellFormed(), 'Text contains an unpaired surrogate.');

/**
 * Which documents the profile's bot answers from: those with one of `tags` or synced from one of the websites
 * `sourceIds`. Both empty: the whole knowledge base.
 */
export const botProfileKnowledgeScopeSchema = z.object({
  tags: z.array(knowledgeTagSchema).max(BOT_PROFILE_LIMITS.scopeEntries).default([]),
  sourceIds: z.array(z.uuid()).max(BOT_PROFILE_LIMITS.scopeEntries).default([]),
});

/** A tool's name as the model knows it: an action's (`lookup_order`) or an MCP server's tool (`crm__find_customer`). */
export const botToolNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'A tool name: at most 64 letters, digits, _ or -.');

/** A bot profile as admins see it. */
export const botProfileSchema = z.object({
  id: z.string(),
  /** What admins call it ("Billing bot"), unique in the organization. */
  name: z.string(),
  /** What it is for. */
  description: z.string(),
  /** The name visitors see; null: the widget's bot name. */
  botName: z.string().nullable(),
  /** Who the bot is ("You are Sam, …"); empty: the widget's bot name and title say it. */
  persona: z.string(),
  tone: z.string(),
  /** How it works: steps to follow, what to ask for first, what never to do. */
  instructions: z.string(),
  /** Facts about the business it may rely on (hours, policies, contact). */
  businessFacts: z.string(),
  /** The model id; null: the server's default (`PARLEY_BOT_MODEL`). */
  model: z.string().nullable(),
  handoff: widgetHandoffSchema,
  /** Null: the server's default. */
  turnTaking: widgetTurnTakingSchema.nullable(),
  knowledgeScope: z.object({ tags: z.array(z.string()), sourceIds: z.array(z.string()) }),
  /** The actions and MCP tools it may call, by name; null: every enabled one. The bot's own tools are always there. */
  tools: z.array(z.string()).nullable(),
  /**
   * Stricter policies for this profile's bot, by tool name: `confirm` (the visitor confirms) or `approve` (an agent
   * approves). The stricter of this and the tool's own applies: a profile never loosens a tool.
   */
  toolPolicies: z.record(z.string(), z.enum(['confirm', 'approve'])),
  /** The widgets and teams that chose it. */
  usedBy: z.object({ widgetIds: z.array(z.string()), teamIds: z.array(z.string()) }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A bot profile as admins see it. */
export type BotProfile = z.infer<typeof botProfileSchema>;

/** Answer of `GET /api/bot/profiles`: the organization's profiles by name. */
export const botProfileListSchema = z.object({ profiles: z.array(botProfileSchema) });
/** Answer of `GET /api/bot/profiles`. */
export type BotProfileList = z.infer<typeof botProfileListSchema>;

const profileFields = {
  description: verbatimTextSchema(BOT_PROFILE_LIMITS.description),
  botName: labelSchema('A bot name', BOT_PROFILE_LIMITS.botName).nullable(),
  persona: verbatimTextSchema(BOT_TEXT_LIMITS.persona),
  tone: verbatimTextSchema(BOT_TEXT_LIMITS.tone),
  instructions: verbatimTextSchema(BOT_TEXT_LIMITS.instructions),
  businessFacts: verbatimTextSchema(BOT_TEXT_LIMITS.businessFacts),
  model: botModelSchema.nullable(),
  turnTaking: widgetTurnTakingSchema.nullable(),
  tools: z
    .array(botToolNameSchema)
    .max(BOT_PROFILE_LIMITS.tools)
    .transform((names) => [...new Set(names)])
    .nullable(),
  toolPolicies: z
    .record(botToolNameSchema, z.enum(['confirm', 'approve']))
    .refine((policies) => Object.keys(policies).length <= BOT_PROFILE_LIMITS.tools, `At most ${BOT_PROFILE_LIMITS.tools} policies.`),
};

/** Body of `POST /api/bot/profiles` (admins): a name; every other field has the default a new widget's bot has. */
export const botProfileCreateSchema = z.strictObject({
  name: labelSchema('A name', BOT_PROFILE_LIMITS.name),
  description: profileFields.description.default(''),
  botName: profileFields.botName.default(null),
  persona: profileFields.persona.default(''),
  tone: profileFields.tone.optional(),
  instructions: profileFields.instructions.default(''),
  businessFacts: profileFields.businessFacts.default(''),
  model: profileFields.model.default(null),
  handoff: widgetHandoffSchema.partial().strict().default({}),
  turnTaking: profileFields.turnTaking.default(null),
  knowledgeScope: botProfileKnowledgeScopeSchema.strict().default({ tags: [], sourceIds: [] }),
  tools: profileFields.tools.default(null),
  toolPolicies: profileFields.toolPolicies.default({}),
});
/** Body of `POST /api/bot/profiles`, as a client writes it. */
export type BotProfileCreate = z.input<typeof botProfileCreateSchema>;

/** Body of `PATCH /api/bot/profiles/:profileId` (admins): the fields given replace the stored ones; `handoff` may name some rules only. */
export const botProfileUpdateSchema = z
  .strictObject({
    name: labelSchema('A name', BOT_PROFILE_LIMITS.name).optional(),
    description: profileFields.description.optional(),
    botName: profileFields.botName.optional(),
    persona: profileFields.persona.optional(),
    tone: profileFields.tone.optional(),
    instructions: profileFields.instructions.optional(),
    businessFacts: profileFields.businessFacts.optional(),
    model: profileFields.model.optional(),
    handoff: widgetHandoffSchema.partial().strict().optional(),
    turnTaking: profileFields.turnTaking.optional(),
    knowledgeScope: botProfileKnowledgeScopeSchema.partial().strict().optional(),
    tools: profileFields.tools.optional(),
    toolPolicies: profileFields.toolPolicies.optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), 'Nothing to update.');
/** Body of `PATCH /api/bot/profiles/:profileId`, as a client writes it. */
export type BotProfileUpdate = z.input<typeof botProfileUpdateSchema>;

/** Path parameters of `/api/bot/profiles/:profileId`. */
export const botProfileParamsSchema = z.object({ profileId: z.uuid() });

/** The profile a bot message was answered by, as agents see it on the message's details. */
export const botReplyProfileSchema = z.object({
  /** Null when the profile was deleted since. */
  id: z.string().nullable(),
  name: z.string(),
});
/** The profile a bot message was answered by. */
export type BotReplyProfile = z.infer<typeof botReplyProfileSchema>;
