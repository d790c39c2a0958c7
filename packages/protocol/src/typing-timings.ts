/**
 * The timings of `typing:set`, schema-free so that the widget's bundle takes them without zod.
 * @module
 */

/*
 * The one set of timings both sides of a conversation use (the client's typing notifier, the widget's and the
 * console's indicators, the bot's turn-taking): `true` on the first keystroke and again at most every
 * TYPING_REPEAT_MS while typing goes on, `false` after TYPING_IDLE_MS without one.
 */

/** While someone keeps typing, `typing: true` is repeated this often at most, so the other side's indicator stays on. */
export const TYPING_REPEAT_MS = 3000;
/** After this long without a keystroke, `typing: false` is sent. */
export const TYPING_IDLE_MS = 5000;
/**
 * How long the other side takes "typing" to hold without a repeat: a lost `typing: false` must not leave it on for good.
 * Longer than {@link TYPING_REPEAT_MS}, so an indicator kept alive by repeats never blinks.
 */
export const TYPING_EXPIRY_MS = 8000;
