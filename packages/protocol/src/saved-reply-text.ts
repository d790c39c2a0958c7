/**
 * Saved replies' limits and how a reply's variables are filled in. Schema-free (no zod), so that the console imports
 * it through the package's entry without pulling zod into its bundle.
 * @module
 */

/** Longest shortcut, what follows `/` in the reply box. */
export const SAVED_REPLY_SHORTCUT_MAX_LENGTH = 32;
/** Longest title, in characters. */
export const SAVED_REPLY_TITLE_MAX_LENGTH = 120;
/** Longest body, in characters (code points, as a message's length is counted). */
export const SAVED_REPLY_BODY_MAX_LENGTH = 4000;

/** The variables the console fills in when it inserts a saved reply. */
export const savedReplyVariables = ['contact.name', 'contact.email', 'agent.name', 'organization.name'] as const;
/** A variable the console fills in. */
export type SavedReplyVariable = (typeof savedReplyVariables)[number];

/** What a variable without a value becomes: a gap the agent sees and fills before sending. */
export const SAVED_REPLY_GAP = '____';

// `{word.word}`: ASCII letters, digits and underscores on either side of one dot, nothing else inside the braces.
const variablePattern = /\{(\w+\.\w+)\}/g;

/**
 * A saved reply's body with its variables (`{contact.name}`, any `{word.word}`) filled in from `values`. A variable with
 * a value (not blank) becomes the value, as it is; one without a value, or one `values` doesn't name, becomes
 * {@link SAVED_REPLY_GAP}, never the literal braces. Anything else in braces (`{ not a var }`) is text, and `{{` is not
 * special: `{{contact.name}}` is the name in braces. Values are not searched for variables in turn.
 *
 * @example
 * ```ts
 * fillSavedReply('Hi {contact.name}, {agent.name} here.', { 'contact.name': 'Ada', 'agent.name': null })
 * // 'Hi Ada, ____ here.'
 * ```
 */
export function fillSavedReply(body: string, values: Readonly<Record<string, string | null | undefined>>): string {
  return body.replace(variablePattern, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value !== null && value !== undefined && value.trim() !== '' ? value : SAVED_REPLY_GAP;
  });
}
