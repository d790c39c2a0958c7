/**
 * What only some visitors need, in one chunk loaded on demand: the rating form and the transcript by e-mail (after a
 * resolution), the follow-up form (when nobody can answer), and before the first message the topic picker (when the
 * widget offers topics) and the pre-chat form (when it has one); starting a new conversation and reading earlier ones
 * (when there are some, and no conversation is going on). The main chunk stays within its budget.
 * @module
 */
export { Conversations } from './conversations.js';
export { FollowUp } from './follow-up.js';
export { BeforeChat } from './pre-chat.js';
export { withExtras } from './i18n/en-extras.js';
export { Rating } from './rating.js';
export { default as styles } from './rating.css?inline';
