import { QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH, quickRepliesSchema } from '@parley/protocol';
import { z } from 'zod';
import { defineTool, type ReplyAttachment } from './registry.js';

/**
 * Attaches quick replies to the bot's reply: buttons the visitor sees with it while it is the latest message, a click
 * sending the button's text as their message. It stores nothing itself (a `reply` tool): the model loop keeps the
 * replies of the turn's last call, and the turn stores them with its reply (`messages.metadata.quickReplies`). The
 * input is checked with the protocol's schema, so what the model offers is what any client accepts.
 */
export const offerQuickReplies = defineTool({
  name: 'offer_quick_replies',
  description:
    'Offer the visitor a short set of likely answers to your reply as buttons (quick replies): e.g. "Yes" and "No", or ' +
    "the few choices you asked them to pick from. A click sends the button's text as the visitor's message; they may " +
    `also type anything else. Give 1 to ${QUICK_REPLIES_MAX} different replies of at most ${QUICK_REPLY_MAX_LENGTH} ` +
    "characters, in the visitor's language, worded as the visitor would say them. They go with the reply you write in " +
    'this turn; the last call counts. Do not describe where the buttons are.',
  input: z.object({
    replies: quickRepliesSchema.describe('The buttons, in the order to show them.'),
  }),
  kind: 'reply',
  handler: async ({ replies }): Promise<ReplyAttachment & { note: string }> => ({
    quickReplies: replies,
    note: 'The buttons will be shown with your reply. Write the reply itself as usual.',
  }),
});
