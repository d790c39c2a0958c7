import { z } from 'zod';
import { defineTool } from './registry.js';

/**
 * Hands the conversation to a human. The runner moves the conversation to `queued` in the same transaction as the
 * bot's last message; the handler itself only echoes the reason.
 */
export const handoffToHuman = defineTool({
  name: 'handoff_to_human',
  description:
    'Hand the conversation to a human support agent. Use it when the visitor asks for a person, when you cannot help, ' +
    'or when the request needs a human (refund exceptions, complaints, account security). Tell the visitor briefly that ' +
    'a person will take over before calling it.',
  input: z.object({
    reason: z.string().min(1).max(500).describe('Why a human should take over, for the agent who picks it up.'),
  }),
  kind: 'handoff',
  handler: async ({ reason }) => ({ handedOff: true, reason }),
});
