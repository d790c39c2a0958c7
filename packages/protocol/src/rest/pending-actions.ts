/**
 * Pending actions: calls of the bot's actions that wait for a decision (their policy is `confirm` or `approve`). The
 * bot's message that asked carries one as its `action`; agents list the ones waiting for approval with `GET
 * /api/pending-actions` and decide with `POST /api/pending-actions/:pendingActionId/decision`; the agent socket's
 * `pending-action:updated` says when one changes.
 * @module
 */
import { z } from 'zod';
import { pendingActionPolicySchema } from '../models.js';
import { storableTextSchema } from '../storable-text.js';
import { jsonValueSchema } from './tool-calls.js';

/**
 * Where a paused call stands: `pending` until decided; `confirmed` / `cancelled` by the visitor; `approved` / `rejected`
 * by an agent; `expired` when nobody decided in time (a refusal); `withdrawn` when a person took the conversation over
 * or the visitor wrote something else instead of confirming.
 */
export const pendingActionStatusSchema = z.enum(['pending', 'confirmed', 'cancelled', 'approved', 'rejected', 'expired', 'withdrawn']);
/** Where a paused call stands. */
export type PendingActionStatus = z.infer<typeof pendingActionStatusSchema>;

/** A call of the bot that waits (or waited) for a decision, as agents see it. */
export const pendingActionSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  /** The bot message that asked. */
  messageId: z.string().nullable(),
  /** The action's tool name. */
  tool: z.string(),
  /** The call's input, as the model gave it (checked against the action's input schema). */
  input: jsonValueSchema,
  policy: pendingActionPolicySchema,
  /** What the call will do, in plain words. */
  summary: z.string(),
  status: pendingActionStatusSchema,
  /** The team whose agents decide (`approve`); null: any agent. */
  teamId: z.string().nullable(),
  /** When a `pending` call counts as refused. */
  expiresAt: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  /** Who decided: the visitor, an agent (with their name), or Parley (the timeout, a takeover). */
  decidedBy: z.object({ kind: z.enum(['visitor', 'agent', 'system']), name: z.string().nullable() }).nullable(),
  /** What the agent wrote with the decision (the bot reads it). */
  note: z.string().nullable(),
});
/** A call of the bot that waits for a decision. */
export type PendingAction = z.infer<typeof pendingActionSchema>;

/**
 * Query of `GET /api/pending-actions`: `status=pending` lists the calls waiting for a decision; `conversationId` those of
 * one conversation (with any status unless `status` is given).
 */
export const pendingActionListQuerySchema = z.strictObject({
  status: pendingActionStatusSchema.optional(),
  conversationId: z.uuid().optional(),
});
/** Answer of `GET /api/pending-actions`, the oldest first. */
export const pendingActionListSchema = z.object({ actions: z.array(pendingActionSchema) });
/** Answer of `GET /api/pending-actions`. */
export type PendingActionList = z.infer<typeof pendingActionListSchema>;

/** Path parameters of `POST /api/pending-actions/:pendingActionId/decision`. */
export const pendingActionParamsSchema = z.strictObject({ pendingActionId: z.uuid() });

/** The most an agent writes with a decision. */
export const PENDING_ACTION_NOTE_MAX = 1000;

/**
 * Body of `POST /api/pending-actions/:pendingActionId/decision`: approve or reject a call waiting for approval, with an
 * optional note the bot reads (why it was refused, what to tell the visitor). Signed-in agents only: API tokens can't.
 */
export const pendingActionDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  note: storableTextSchema(PENDING_ACTION_NOTE_MAX).optional(),
});
/** Body of `POST /api/pending-actions/:pendingActionId/decision`. */
export type PendingActionDecision = z.input<typeof pendingActionDecisionSchema>;
