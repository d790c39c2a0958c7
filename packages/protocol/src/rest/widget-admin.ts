/**
 * `/api/widgets` for admins: each widget's name, allowed origins, looks and bot, as the console's Settings → Widgets
 * page reads and changes them. A widget's routing (strategy, team, business hours) stays on `/api/routing/widgets/:id`.
 * @module
 */
import { z } from 'zod';
import { proactiveRulesSchema } from '../proactive.js';
import { WIDGET_OFFSET_LIMITS, WIDGET_TEXT_LIMITS } from '../constants.js';
import { preChatFieldSchema, widgetSettingsSchema } from '../models.js';
import { widgetRoutingSchema } from './routing.js';

/**
 * The WHATWG URL parser, global in every runtime Parley runs on (Node, browsers); the protocol compiles without DOM or
 * Node types, so the little used here is declared.
 */
interface ParsedUrl {
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly hostname: string;
  readonly pathname: string;
  readonly search: string;
  readonly origin: string;
}
declare const URL: new (input: string) => ParsedUrl;

/** At most this many origins per widget. */
export const MAX_ALLOWED_ORIGINS = 50;

/** Handoff rule limits, the same as the server's `botConfigSchema`. */
export const HANDOFF_LIMITS = { afterRepliesWithoutSource: 20, afterNotHelpful: 10 } as const;

/**
 * Turn-taking limits in milliseconds, the same as the server's: the longest pause the bot waits for, and the longest it
 * waits in all after a visitor's first unanswered message.
 */
export const REPLY_TIMING_LIMITS = { pauseMs: 10_000, maxWaitMs: 15_000 } as const;

/** Length limits of the bot's prompt parts, the same as the server's `botConfigSchema`. */
export const BOT_TEXT_LIMITS = { persona: 2000, tone: 1000, businessFacts: 20_000, instructions: 20_000 } as const;

/**
 * Why `value` is not an origin a page can have (`https://shop.example`, `http://localhost:3000`), or null when it is
 * one. A trailing `/` is fine; a path, query, fragment, user name, wildcard or another scheme is not: browsers send
 * the bare origin, and the server compares it exactly, so anything more could never match.
 */
export function originProblem(value: string): string | null {
  let url: ParsedUrl;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL: write it as https://shop.example.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `"${value}" is not a web origin: only http:// and https:// pages can show the widget.`;
  }
  if (url.username || url.password) return `"${value}" has a user name: write the origin alone, as ${url.origin}.`;
  if (url.hostname.includes('*')) return `"${value}" has a wildcard: list each origin, e.g. https://www.shop.example.`;
  if (url.pathname !== '/' || url.search || /[?#]/.test(value)) {
    return `"${value}" has a path, query or fragment: write the origin alone, as ${url.origin}.`;
  }
  return null;
}

/**
 * An origin a widget may be used from. It is read as a URL and kept as its origin, so `HTTPS://Shop.Example:443/`
 * is stored as `https://shop.example` (lowercase, default port and trailing slash dropped, IDN in punycode), which is
 * what browsers send. Anything more than an origin (`https://shop.example/path`) is refused, not cut down: a pasted
 * page address may not be the site meant.
 */
export const allowedOriginSchema = z
  .string()
  .trim()
  .min(1, 'An origin cannot be empty.')
  .max(2048, 'At most 2048 characters.')
  .superRefine((value, ctx) => {
    const problem = originProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => new URL(value).origin);

/** A widget's allowed origins, each normalised to its origin; duplicates (after normalising) are dropped. */
export const allowedOriginsSchema = z
  .array(allowedOriginSchema)
  .max(MAX_ALLOWED_ORIGINS, `At most ${MAX_ALLOWED_ORIGINS} origins.`)
  .transform((origins) => [...new Set(origins)]);

/** Text kept exactly as written (no trimming): well-formed UTF-16, no NUL, so that Postgres JSON stores it unchanged. */
export function verbatimTextSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength, `At most ${maxLength} characters.`)
    .refine((text) => text.isWellFormed(), 'Text contains an unpaired surrogate.')
    .refine((text) => !text.includes('\u0000'), 'Text contains a NUL character.');
}

/** A one-line label people read (a title, a name): not blank, no control characters, kept as written. */
export function labelSchema(what: string, maxLength: number) {
  return verbatimTextSchema(maxLength)
    .refine((text) => text.trim().length > 0, `${what} cannot be blank.`)
    .refine((text) => !/\p{Cc}/u.test(text), `${what} must be one line, without control characters.`);
}

/** A one-line text that may be empty (nothing shown), trimmed: no control characters. */
function optionalLabelSchema(what: string, maxLength: number) {
  return z
    .string()
    .trim()
    .max(maxLength, `At most ${maxLength} characters.`)
    .refine((text) => text.isWellFormed(), 'Text contains an unpaired surrogate.')
    .refine((text) => !/\p{Cc}/u.test(text), `${what} must be one line, without control characters.`);
}

/** The launcher's distance from the page's corner, in whole pixels. */
const offsetSchema = z
  .number({ error: 'Expected a number of pixels.' })
  .int('Expected whole pixels.')
  .min(WIDGET_OFFSET_LIMITS.min, `At least ${WIDGET_OFFSET_LIMITS.min} pixels.`)
  .max(WIDGET_OFFSET_LIMITS.max, `At most ${WIDGET_OFFSET_LIMITS.max} pixels.`);

/** Whether `tag` is a well-formed BCP 47 language tag, as `Intl` reads it (`en`, `pt-BR`, `zh-Hant-TW`). */
function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** A widget's language: a BCP 47 tag, stored in its canonical case (`EN-us` → `en-US`). */
export const widgetLocaleSchema = z
  .string()
  .trim()
  .min(2, 'Expected a language tag such as en or pt-BR.')
  .max(35, 'At most 35 characters.')
  .refine(isLanguageTag, { error: (issue) => `"${String(issue.input)}" is not a language tag such as en or pt-BR.` })
  .transform((tag) => Intl.getCanonicalLocales(tag)[0]!);

/** An ISO 3166-1 alpha-2 country code, in capitals. */
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'Expected a two-letter country code in capitals, such as US or DE.');

/** A CSS hex color as the widget stores it: `#` and six hex digits. */
export const accentColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Expected a colour as # and six hex digits, such as #2563eb.');

/** The widget's settings an admin edits, as `GET /api/widgets` shows them. */
export const widgetAdminSettingsSchema = widgetSettingsSchema.extend({ defaultCountry: countryCodeSchema.nullable() });
/** The widget's settings an admin edits. */
export type WidgetAdminSettings = z.infer<typeof widgetAdminSettingsSchema>;

/** The bot's handoff rules (see docs/configuration.md). */
export const widgetHandoffSchema = z.object({
  afterRepliesWithoutSource: z.number().int().min(0).max(HANDOFF_LIMITS.afterRepliesWithoutSource),
  afterNotHelpful: z.number().int().min(0).max(HANDOFF_LIMITS.afterNotHelpful),
  onProviderFailure: z.boolean(),
});

/**
 * The bot's turn-taking: it answers once the visitor has paused for `pauseMs` (longer while they type), at the latest
 * `maxWaitMs` after their first unanswered message; 0 answers at once.
 */
export const widgetTurnTakingSchema = z.object({
  pauseMs: z.number().int().min(0).max(REPLY_TIMING_LIMITS.pauseMs),
  maxWaitMs: z.number().int().min(0).max(REPLY_TIMING_LIMITS.maxWaitMs),
});

/** The bot's settings an admin edits. The model and token limits stay in the database. */
export const widgetAdminBotSchema = z.object({
  enabled: z.boolean(),
  handoff: widgetHandoffSchema,
  /** The widget's own, or the server's default when it has none. */
  turnTaking: widgetTurnTakingSchema,
  persona: z.string(),
  tone: z.string(),
  businessFacts: z.string(),
  /** The bot profile its conversations get (unless their team has one), in place of the settings above; null: these. */
  profileId: z.string().nullable(),
  /**
   * The profiles a first triage step chooses among, from the visitor's first message and each profile's name and
   * description; the chosen one keeps the conversation (a team's profile still comes first). Empty: no triage.
   */
  triageProfileIds: z.array(z.string()),
});
/** The bot's settings an admin edits. */
export type WidgetAdminBot = z.infer<typeof widgetAdminBotSchema>;

/** A widget as an admin sees it. */
export const widgetAdminSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** What the script tag carries (`data-widget-key`). */
  publicKey: z.string(),
  allowedOrigins: z.array(z.string()),
  settings: widgetAdminSettingsSchema,
  bot: widgetAdminBotSchema,
  routing: widgetRoutingSchema,
});
/** A widget as an admin sees it. */
export type WidgetAdmin = z.infer<typeof widgetAdminSchema>;

/** Answer of `GET /api/widgets`: the organization's widgets by name. */
export const widgetAdminListSchema = z.object({ widgets: z.array(widgetAdminSchema) });
/** Answer of `GET /api/widgets`. */
export type WidgetAdminList = z.infer<typeof widgetAdminListSchema>;

/** Part of the settings to change: each field given replaces the stored one; `defaultCountry: null` removes it. */
export const widgetSettingsUpdateSchema = z.strictObject({
  title: labelSchema('A title', 80).optional(),
  greeting: verbatimTextSchema(500).optional(),
  accentColor: accentColorSchema.optional(),
  position: z.enum(['right', 'left']).optional(),
  theme: z.enum(['light', 'dark', 'auto']).optional(),
  launcherLabel: optionalLabelSchema('A launcher label', WIDGET_TEXT_LIMITS.launcherLabel).optional(),
  offsetX: offsetSchema.optional(),
  offsetY: offsetSchema.optional(),
  teamName: optionalLabelSchema('A team name', WIDGET_TEXT_LIMITS.teamName).optional(),
  showAgents: z.boolean().optional(),
  sound: z.boolean().optional(),
  locale: widgetLocaleSchema.optional(),
  botName: labelSchema('A bot name', 80).optional(),
  defaultCountry: countryCodeSchema.nullable().optional(),
  /** The pre-chat form's fields to change; those not named keep their stored setting. */
  preChat: z
    .strictObject({
      name: preChatFieldSchema.optional(),
      email: preChatFieldSchema.optional(),
      phone: preChatFieldSchema.optional(),
    })
    .optional(),
  /** The proactive messages, all of them: the list given replaces the stored one (`[]` removes them all). */
  proactive: proactiveRulesSchema.optional(),
});

/** Part of the bot to change; `handoff` may name some rules only. */
export const widgetBotUpdateSchema = z.strictObject({
  enabled: z.boolean().optional(),
  handoff: widgetHandoffSchema.partial().strict().optional(),
  turnTaking: widgetTurnTakingSchema.partial().strict().optional(),
  persona: verbatimTextSchema(BOT_TEXT_LIMITS.persona).optional(),
  tone: verbatimTextSchema(BOT_TEXT_LIMITS.tone).optional(),
  businessFacts: verbatimTextSchema(BOT_TEXT_LIMITS.businessFacts).optional(),
  /** A profile of the organization's (`/api/bot/profiles`), or null for the widget's own settings. */
  profileId: z.uuid().nullable().optional(),
  /** The whole list: profiles of the organization's, at most 20; `[]` turns triage off. */
  triageProfileIds: z
    .array(z.uuid())
    .max(20, 'At most 20 profiles.')
    .transform((ids) => [...new Set(ids)])
    .optional(),
});

/**
 * Body of `PATCH /api/widgets/:widgetId` (admins): any of the groups, at least one. Settings and bot are merged into
 * the stored ones and the result is validated whole; a refused change writes nothing.
 */
export const widgetAdminUpdateSchema = z
  .strictObject({
    name: labelSchema('A name', 80).optional(),
    allowedOrigins: allowedOriginsSchema.optional(),
    settings: widgetSettingsUpdateSchema.optional(),
    bot: widgetBotUpdateSchema.optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), 'Nothing to update.');
/** Body of `PATCH /api/widgets/:widgetId`, as a client writes it. */
export type WidgetAdminUpdate = z.input<typeof widgetAdminUpdateSchema>;

/** Path parameters of `PATCH /api/widgets/:widgetId`. */
export const widgetIdParamsSchema = z.object({ widgetId: z.uuid() });
