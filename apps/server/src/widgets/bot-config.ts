import { z } from 'zod';

/** The model a widget uses unless it chooses one: a current fast Claude model from the SDK's model list. */
export const DEFAULT_BOT_MODEL = 'claude-haiku-5-5';

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
  /** Facts about the business the bot may rely on (hours, policies, contact). */
  businessFacts: z.string().max(20_000).default(''),
  maxTokens: z.number().int().min(64).max(8192).default(1024),
  /** History sent to the model is trimmed, oldest first, to about this many tokens. */
  historyTokenBudget: z.number().int().min(500).max(150_000).default(6000),
  /** Most model rounds per turn (each tool_use → tool_result adds one). */
  maxToolRounds: z.number().int().min(1).max(10).default(4),
});
/** A widget's bot configuration. */
export type BotConfig = z.infer<typeof botConfigSchema>;
