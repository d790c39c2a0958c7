/**
 * Proactive messages: a widget's rules for speaking first ("Questions about our plans?" on the pricing page after 20
 * seconds), shown as a small bubble by the launcher. The widget decides when a rule applies, in the visitor's browser;
 * the server records the rule's message at the start of the conversation the visitor's answer opens.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from './storable-text.js';

/** A rule's id: lowercase letters, digits and dashes, as the page's `Parley.trigger(id)` and a first message name it. */
export const proactiveRuleIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Expected a rule id: lowercase letters, digits and "-".');

/** Limits of a rule's fields, shared by the schema and the console's form. */
export const PROACTIVE_LIMITS = {
  rules: 10,
  message: 500,
  urlPattern: 200,
  delaySeconds: 3600,
  minVisits: 1000,
  repeatAfterDays: 365,
} as const;

/**
 * One proactive message.
 * - `trigger`: `auto` shows it when its conditions hold; `page` only when the page calls `Parley.trigger(id)`, which
 *   skips the conditions (the page knows why).
 * - `urlPattern`: the pages it applies to, matched against the path and query (`/pricing*`, `/help/*`); `*`
 *   stands for any characters, everything else is literal; empty: every page.
 * - `delaySeconds`: time on the page before it shows. `minVisits`: the visit (of this browser to the site, a visit
 *   ending after 30 minutes without a page load) from which on it applies; 1: the first.
 * - `repeatAfterDays`: a visitor sees it at most once in this many days.
 */
export const proactiveRuleSchema = z.strictObject({
  id: proactiveRuleIdSchema,
  message: storableTextSchema(PROACTIVE_LIMITS.message).pipe(z.string().min(1, 'Write the message.')),
  trigger: z.enum(['auto', 'page']).default('auto'),
  urlPattern: storableTextSchema(PROACTIVE_LIMITS.urlPattern).default(''),
  delaySeconds: z.number().int().min(0).max(PROACTIVE_LIMITS.delaySeconds).default(0),
  minVisits: z.number().int().min(1).max(PROACTIVE_LIMITS.minVisits).default(1),
  repeatAfterDays: z.number().int().min(1).max(PROACTIVE_LIMITS.repeatAfterDays).default(30),
});
/** One proactive message rule. */
export type ProactiveRule = z.infer<typeof proactiveRuleSchema>;

/** A widget's proactive messages: at most ten, distinct ids, the first that applies wins. */
export const proactiveRulesSchema = z
  .array(proactiveRuleSchema)
  .max(PROACTIVE_LIMITS.rules, `At most ${PROACTIVE_LIMITS.rules} proactive messages.`)
  .refine((rules) => new Set(rules.map((rule) => rule.id)).size === rules.length, 'Rule ids must be distinct.');
