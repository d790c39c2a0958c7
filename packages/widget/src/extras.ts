/**
 * What only some visitors need, in one chunk loaded on demand: the rating form and the transcript by e-mail (after a
 * resolution), the follow-up form (when nobody can answer) and the topic picker (before the first message, when the
 * widget offers topics). The main chunk stays within its budget.
 * @module
 */
export { FollowUp } from './follow-up.js';
export { withExtras } from './i18n/en-extras.js';
export { Rating } from './rating.js';
export { Topics } from './topics.js';
export { default as styles } from './rating.css?inline';
