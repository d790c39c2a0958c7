/**
 * Entities as they cross the wire: messages, conversations, widget settings.
 * @module
 */
import { z } from 'zod';
import { QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH, WIDGET_OFFSET_LIMITS, WIDGET_TEXT_LIMITS } from './constants.js';
import { attachmentSchema } from './attachment.js';
import { proactiveRulesSchema } from './proactive.js';
import { ticketSchema } from './ticket.js';

/** Default upper bound on a message body, in characters (Unicode code points); servers may configure another. */
export const DEFAULT_MESSAGE_MAX_LENGTH = 4000;

/**
 * Hard cap on any message body accepted by the schema, whatever the server's configured limit. Bodies between the
 * configured limit and this cap are answered with `message_too_long` rather than `invalid_payload`.
 */
export const MESSAGE_HARD_MAX_LENGTH = 100_000;

/** Counts Unicode code points, so an emoji counts as one character as people expect. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Message text. It must contain something other than whitespace, be well-formed UTF-16 (a lone surrogate cannot be
 * stored or sent back unchanged) and contain no NUL character (Postgres text cannot hold one).
 */
export const messageBodySchema = z
  .string()
  .max(MESSAGE_HARD_MAX_LENGTH * 2)
  .refine((body) => body.trim().length > 0, 'Message is empty.')
  .refine((body) => body.isWellFormed(), 'Message contains an unpaired surrogate.')
  .refine((body) => !body.includes('\u0000'), 'Message contains a NUL character.');

export { storableTextSchema } from './storable-text.js';

/** The largest value of a Postgres `integer` column, the type of `seq`: larger numbers can name no message. */
export const INT4_MAX = 2_147_483_647;

/** A message's position in its conversation, or 0 for "before the first": a whole number a database column can hold. */
export const seqSchema = z.number().int().nonnegative().max(INT4_MAX);

/**
 * A whole number from a query string, written in decimal digits only: `"0x10"`, `"1e3"`, `" 7"` and `"-0"` are refused,
 * as is anything outside `min`…`max`. Numbers pass too, for callers that build queries from typed objects.
 */
export function queryIntegerSchema(min: number, max: number) {
  return z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,16}$/, 'Expected a whole number in decimal digits.')
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));
}

/** A client-chosen id that makes a send idempotent: sending the same id twice stores one message. */
export const clientIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Use letters, digits, "-" and "_" only.');

/** Who wrote a message. */
export const authorKindSchema = z.enum(['visitor', 'agent', 'bot', 'system']);
/** Who wrote a message. */
export type AuthorKind = z.infer<typeof authorKindSchema>;

/** Conversation lifecycle states. The bot state machine moves conversations between them. */
export const conversationStatusSchema = z.enum(['bot', 'queued', 'agent', 'resolved', 'closed']);
/** Conversation lifecycle states. */
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/**
 * A knowledge-base passage a bot reply drew on. `index` is the number the reply cites it by (`[2]`); `section` is the
 * heading path joined with " › ", empty when the passage has none; `page` is the page of a PDF the passage is on, and
 * then `url` ends in `#page=N`.
 */
export const citationSchema = z.object({
  index: z.number().int().positive(),
  documentId: z.string(),
  chunkId: z.number().int(),
  title: z.string(),
  section: z.string(),
  url: z.string().nullable(),
  /** The page (from 1) of a PDF; absent for other formats. */
  page: z.number().int().positive().optional(),
});
/** A knowledge-base passage a bot reply drew on. */
export type Citation = z.infer<typeof citationSchema>;

/**
 * What a `system` message reports, for clients to render in their own words: a discriminated union on `type`. The
 * message's `body` says the same as a sentence in the visitor's language (the widget's when the server has no sentences
 * in theirs), for clients that don't know the event.
 */
export const systemEventSchema = z.discriminatedUnion('type', [
  /** Someone asked for a person: the visitor (the button), the bot (its tool), or a rule (the visitor's words, a setting). */
  z.object({ type: z.literal('handoff_requested'), by: z.enum(['visitor', 'bot', 'rule']) }),
  /** The conversation joined the queue; `position` is 1-based among the organization's queued conversations, oldest first. */
  z.object({ type: z.literal('queued'), position: z.number().int().positive() }),
  /** A person took the conversation. */
  z.object({ type: z.literal('agent_joined'), agentName: z.string() }),
  /** An agent passed the conversation on, to another agent or to a team (`to`: their name). */
  z.object({ type: z.literal('transferred'), to: z.string() }),
  z.object({ type: z.literal('handed_back_to_bot') }),
  z.object({ type: z.literal('resolved') }),
  z.object({ type: z.literal('reopened') }),
  /**
   * Nobody can answer now, written instead of `queued`: `closed`, outside the widget's business hours (`nextOpening`:
   * when they open again, if known); `no_agent`, nobody who could take it is online. The visitor is asked for an
   * e-mail address or phone number.
   */
  z.object({
    type: z.literal('away'),
    reason: z.enum(['closed', 'no_agent']),
    nextOpening: z.string().nullable(),
    /** The business hours' time zone, in which `nextOpening` is said. */
    timeZone: z.string().optional(),
  }),
  /** The visitor left an e-mail address and/or a phone number (E.164) for the reply. */
  z.object({ type: z.literal('contact_saved'), email: z.string().optional(), phone: z.string().optional() }),
  /** The visitor rated the resolution before this line (1 to 5), with their comment if they wrote one. */
  z.object({ type: z.literal('rated'), rating: z.number().int().min(1).max(5), comment: z.string().optional() }),
]);
/** What a `system` message reports. */
export type SystemEvent = z.infer<typeof systemEventSchema>;

/**
 * One quick reply: a button's label, which is also the text the visitor's click sends as their message. Trimmed, 1 to
 * {@link QUICK_REPLY_MAX_LENGTH} characters, storable and sendable like a message body.
 */
export const quickReplySchema = z
  .string()
  .trim()
  .min(1, 'A quick reply is empty.')
  // A code point takes at most two UTF-16 units: a bound checked before counting.
  .max(QUICK_REPLY_MAX_LENGTH * 2, `A quick reply has at most ${QUICK_REPLY_MAX_LENGTH} characters.`)
  .refine((text) => characterCount(text) <= QUICK_REPLY_MAX_LENGTH, `A quick reply has at most ${QUICK_REPLY_MAX_LENGTH} characters.`)
  .refine((text) => text.isWellFormed(), 'A quick reply contains an unpaired surrogate.')
  .refine((text) => !text.includes('\u0000'), 'A quick reply contains a NUL character.')
  // JSON Schema's maxLength counts code points, as the refinement does (the model reads the limit from here).
  .meta({ maxLength: QUICK_REPLY_MAX_LENGTH });

/**
 * The quick replies of a message: 1 to {@link QUICK_REPLIES_MAX} of them ({@link quickReplySchema}), each once (compared
 * after trimming). Attached by the bot (its `offer_quick_replies` tool, the offline answerer's offer of a person) or by
 * an agent (`message:send`, `POST /api/conversations/:id/messages`).
 */
export const quickRepliesSchema = z
  .array(quickReplySchema)
  .min(1, 'Give at least one quick reply.')
  .max(QUICK_REPLIES_MAX, `At most ${QUICK_REPLIES_MAX} quick replies.`)
  .refine((replies) => new Set(replies).size === replies.length, 'Quick replies must differ from each other.');
/** The quick replies of a message. */
export type QuickReplies = z.infer<typeof quickRepliesSchema>;

/** The policies that make a call wait. */
export const pendingActionPolicySchema = z.enum(['confirm', 'approve']);

/**
 * What a bot message carries when it asks for a decision: the visitor's Confirm / Cancel (the message's quick
 * replies), or the wait for an agent's approval.
 */
export const messageActionSchema = z.object({
  id: z.string(),
  policy: pendingActionPolicySchema,
  summary: z.string(),
});
/** What a bot message carries when it asks for a decision. */
export type MessageAction = z.infer<typeof messageActionSchema>;

/** A stored message. `seq` is gapless and unique within its conversation. */
export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int().positive(),
  clientId: z.string().nullable(),
  author: z.object({
    kind: authorKindSchema,
    id: z.string().nullable(),
    name: z.string().nullable(),
    /**
     * On agents' messages when the agent has a picture (`PUT /api/me/avatar`): its absolute URL, a small square WebP
     * that never changes (a new picture gets a new URL). Absent: none; show initials.
     */
    avatarUrl: z.string().optional(),
  }),
  body: z.string(),
  createdAt: z.string(),
  /** On bot replies that used the knowledge base: the passages cited, by their number in the text. */
  citations: z.array(citationSchema).optional(),
  /** On `system` messages: what happened (a handoff, the queue position, an agent joining, …). */
  event: systemEventSchema.optional(),
  /**
   * On bot and agent messages: buttons shown under the message while it is the latest; a click sends the text as the
   * visitor's message (the visitor may type anything else instead).
   */
  quickReplies: quickRepliesSchema.optional(),
  /** The files sent with the message (see `attachment.ts`); absent: none. */
  attachments: z.array(attachmentSchema).optional(),
  /**
   * On a bot message that asks for a decision before an action runs (`rest/pending-actions.ts`): what will happen. With
   * `confirm` the message's quick replies are the visitor's Confirm and Cancel.
   */
  action: messageActionSchema.optional(),
});
/** A stored message. */
export type Message = z.infer<typeof messageSchema>;

/** A conversation as listed in the console. */
export const conversationSummarySchema = z.object({
  id: z.string(),
  status: conversationStatusSchema,
  contact: z.object({
    id: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
  }),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The team whose agents it is routed to; null: any agent. */
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** The pre-chat topic the visitor picked, as it was labelled then; null: none. */
  topic: z.string().nullable(),
  /** What the agent who last transferred it wrote for the next one. Agents only: never sent to the visitor. */
  transferNote: z.object({ note: z.string(), fromName: z.string(), at: z.string() }).nullable(),
  /** Set when the conversation is a follow-up: its status, priority and running SLA clocks. */
  ticket: ticketSchema.nullable(),
  lastSeq: z.number().int().nonnegative(),
  /**
   * The newest seq the visitor has seen with the widget open (what their `conversation:seen` reported; 0: none yet):
   * the console marks the agents' and the bot's messages up to it as seen. Rises live with the agents' event of the same
   * name.
   */
  visitorSeenSeq: z.number().int().nonnegative(),
  lastMessage: z.object({ body: z.string(), authorKind: authorKindSchema }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastMessageAt: z.string().nullable(),
  /** The widget the conversation came through. */
  widgetId: z.string(),
  /**
   * Since when the visitor waits for an answer: the time of their oldest message that no agent or bot message has
   * answered since; null when the last message that is not a system line is an agent's or the bot's.
   */
  waitingSince: z.string().nullable(),
  /**
   * Visitor messages the agent who asked has not read (after their last `POST …/read`). Only on answers to that agent
   * (`GET /api/conversations`); summaries broadcast to every agent (`conversation:updated`) leave it out.
   */
  unreadCount: z.number().int().nonnegative().optional(),
});
/** A conversation as listed in the console. */
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/**
 * A queued conversation's place: 1-based among its organization's queued conversations, oldest first, and how long a
 * visitor usually waits for a person (the median of the organization's recent waits, in seconds; null without enough of
 * them to say).
 */
export const queueStatusSchema = z.object({
  conversationId: z.string(),
  position: z.number().int().positive(),
  expectedWaitSeconds: z.number().int().nonnegative().nullable(),
});
/** A queued conversation's place and the usual wait. */
export type QueueStatus = z.infer<typeof queueStatusSchema>;

/** The part of a conversation a visitor sees; `queue` while it waits in the queue (in `session:get`'s answer). */
export const visitorConversationSchema = z.object({
  id: z.string(),
  status: conversationStatusSchema,
  lastSeq: z.number().int().nonnegative(),
  /**
   * The newest seq the visitor has seen with the widget open (what `conversation:seen` reported): the widget counts the
   * replies after it as unread. Absent from servers before it was added.
   */
  visitorSeenSeq: z.number().int().nonnegative().optional(),
  queue: queueStatusSchema.optional(),
});
/** The part of a conversation a visitor sees. */
export type VisitorConversation = z.infer<typeof visitorConversationSchema>;

/** How the widget looks and greets; stored per widget, validated on write and on read. */
/** Whether the pre-chat form asks for a field: `off` (not asked), `optional`, or `required` before the first message. */
export const preChatFieldSchema = z.enum(['off', 'optional', 'required']);
/** How the pre-chat form asks for a field. */
export type PreChatField = z.infer<typeof preChatFieldSchema>;
/** The fields of the pre-chat form. */
export const PRE_CHAT_FIELDS = ['name', 'email', 'phone'] as const;

/**
 * The widget's pre-chat form: which of the visitor's contact details it asks for before the first message. All `off`
 * (the default): no form. A `required` field is also enforced by the server on the visitor's first message.
 */
export const preChatSettingsSchema = z.object({
  name: preChatFieldSchema.default('off'),
  email: preChatFieldSchema.default('off'),
  phone: preChatFieldSchema.default('off'),
});
/** The widget's pre-chat form settings. */
export type PreChatSettings = z.infer<typeof preChatSettingsSchema>;

export const widgetSettingsSchema = z.object({
  title: z.string().min(1).max(80).default('Chat with us'),
  greeting: z.string().max(500).default('Hi! How can we help?'),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/)
    .default('#2563eb'),
  position: z.enum(['right', 'left']).default('right'),
  /** The widget's colour scheme; `auto` follows the visitor's system (`prefers-color-scheme`). */
  theme: z.enum(['light', 'dark', 'auto']).default('light'),
  /** Text on the launcher beside its icon; empty: the icon only. */
  launcherLabel: z.string().trim().max(WIDGET_TEXT_LIMITS.launcherLabel).default(''),
  /** Pixels between the launcher (and panel) and the side of the page `position` names. */
  offsetX: z.number().int().min(WIDGET_OFFSET_LIMITS.min).max(WIDGET_OFFSET_LIMITS.max).default(20),
  /** Pixels between the launcher (and panel) and the bottom of the page. */
  offsetY: z.number().int().min(WIDGET_OFFSET_LIMITS.min).max(WIDGET_OFFSET_LIMITS.max).default(20),
  /** Shown in the panel's header under the title when not empty, e.g. `Harbor & Pine support`. */
  teamName: z.string().trim().max(WIDGET_TEXT_LIMITS.teamName).default(''),
  /** Whether the widget shows the first names of up to three agents who may answer (`agents` of the public settings). */
  showAgents: z.boolean().default(false),
  /** Whether the widget plays a short sound when a reply arrives while its panel is closed. */
  sound: z.boolean().default(false),
  locale: z.string().min(2).max(35).default('en'),
  /** Shown as the author of the bot's messages. */
  botName: z.string().min(1).max(80).default('Assistant'),
  /** ISO 3166-1 alpha-2 country used to read phone numbers written without a country code, e.g. `US`. */
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  /** The pre-chat form (name, e-mail, phone); all `off` by default: no form. */
  preChat: preChatSettingsSchema.default({ name: 'off', email: 'off', phone: 'off' }),
  /** Proactive messages: when the widget speaks first (`proactive.ts`); none by default. */
  proactive: proactiveRulesSchema.default([]),
});
/** How the widget looks and greets. */
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

/**
 * Up to three of the agents who may answer a widget's conversations, as visitors see them (with `showAgents` on): the
 * agents of the team the widget's routing sends conversations to, else the organization's, online ones first; each by
 * first name only, with the absolute URL of their picture when they have one (as on their messages' `author`).
 */
export const widgetAgentsSchema = z.array(z.object({ name: z.string(), avatarUrl: z.string().optional() })).max(3);
/** Agents a widget shows. */
export type WidgetAgents = z.infer<typeof widgetAgentsSchema>;
