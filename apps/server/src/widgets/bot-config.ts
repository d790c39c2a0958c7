import { widgetTurnTakingSchema } from '@parley/protocol';
import { z } from 'zod';

/** The model a widget uses unless it chooses one: a current fast Claude model from the SDK's model list. */
export const DEFAULT_BOT_MODEL = 'claude-haiku-5-5';

/** The rules that hand a conversation from the bot to a person without anyone asking for one (the `handoff` field). */
export const handoffRulesSchema = z.object({
  /**
   * Hand off once this many bot replies in a row have no knowledge-base source (no citation): the reply is stored, then
   * the conversation joins the queue. Counted back over the bot's messages since it last took the conversation over,
   * skipping the visitor's messages and system lines, up to a reply with a source or an agent's message. 0 turns the
   * rule off.
   */
  afterRepliesWithoutSource: z.number().int().min(0).max(20).default(3),
  /**
   * Hand off, before asking the model, once the visitor has said this many times that the answers didn't help ("that
   * didn't help", "not what I asked", in English, the visitor's language or the widget's), counting the message being
   * answered.
   * 0 turns the rule off.
   */
  afterNotHelpful: z.number().int().min(0).max(10).default(2),
  /** Hand off when the model provider fails (errors, timeouts), right after the apology the visitor is shown. */
  onProviderFailure: z.boolean().default(true),
});
/** A widget's handoff rules. */
export type HandoffRules = z.infer<typeof handoffRulesSchema>;

/**
 * Turn-taking: visitors often write a burst of short messages, so the bot waits for a pause (`pauseMs` after the last
 * message, longer while the visitor is typing) and answers them together; never later than `maxWaitMs` after the first
 * unanswered one. 0 answers at once. The protocol's schema, which admins edit.
 */
export type ReplyTiming = z.infer<typeof widgetTurnTakingSchema>;

/**
 * A widget's bot configuration (the `widgets.bot` column), validated on every read. The Messages API of
 * `@anthropic-ai/sdk` 1.x takes no `temperature`, so there is none here.
 */
export const botConfigSchema = z.object({
  /** With the bot off, conversations go straight to the human queue. */
  enabled: z.boolean().default(true),
  /** Anthropic model id; defaults to PARLEY_BOT_MODEL, then {@link DEFAULT_BOT_MODEL}. */
  model: z.string().min(1).max(100).optional(),
  /** Who the bot is, e.g. "You are Sam, the support assistant of Harbor & Pine, an outdoor gear shop." */
  persona: z.string().max(2000).default(''),
  /** How it writes, e.g. "Friendly and brief. Plain text, no markdown." */
  tone: z.string().max(1000).default('Friendly, concise, plain text. Answer in the language the visitor writes in.'),
  /** How the bot works: steps to follow, what to ask for first, what never to do (a bot profile's, see profiles/). */
  instructions: z.string().max(20_000).default(''),
  /** Facts about the business the bot may rely on (hours, policies, contact). */
  businessFacts: z.string().max(20_000).default(''),
  maxTokens: z.number().int().min(64).max(8192).default(1024),
  /** History sent to the model is trimmed, oldest first, to about this many tokens. */
  historyTokenBudget: z.number().int().min(500).max(150_000).default(6000),
  /** Most model rounds per turn (each tool_use → tool_result adds one). */
  maxToolRounds: z.number().int().min(1).max(10).default(4),
  /** When the bot hands the conversation to a person on its own (see {@link handoffRulesSchema}); rows without it get the defaults. */
  handoff: handoffRulesSchema.default({ afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true }),
  /** See {@link ReplyTiming}; without it, the server's (`PARLEY_BOT_REPLY_PAUSE_MS`, `PARLEY_BOT_REPLY_MAX_WAIT_MS`). */
  turnTaking: widgetTurnTakingSchema.optional(),
  /**
   * The bot profiles a first triage step chooses among, from the visitor's first message and each profile's name and
   * description (`profiles/triage.ts`); the choice stays with the conversation. Empty: no triage. A widget's only.
   */
  triageProfileIds: z.array(z.string()).max(20).default([]),
});
/** A widget's bot configuration. */
export type BotConfig = z.infer<typeof botConfigSchema>;
