/**
 * The inactivity timeout: conversations nobody wrote in for a while are resolved, and resolved ones are closed later.
 * Every change goes through the state machine (`inactivity.timeout`) under the row lock, so two processes sweeping at
 * once are harmless: the second finds the conversation already moved and skips it.
 * @module
 */
import { conversations, type Database } from '@parley/db';
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Message } from '@parley/protocol';
import type { Effect } from './machine.js';
import { applyConversationEvent } from './service.js';

type ConversationRow = typeof conversations.$inferSelect;

/** How long a conversation may stay quiet. */
export interface InactivityPolicy {
  /** `bot` and `agent` conversations quiet this long are resolved. */
  resolveAfterMinutes: number;
  /** `resolved` conversations quiet this long are closed: a later visitor message then starts a new conversation. */
  closeAfterMinutes: number;
  /** Most conversations moved per sweep, so one sweep stays short. */
  batchSize: number;
}

/** Applies `inactivity.timeout` to every conversation past the policy; returns the ones that changed. */
export async function sweepInactiveConversations(
  db: Database,
  policy: InactivityPolicy,
): Promise<Array<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] }>> {
  // The database's clock decides, so server processes with skewed clocks agree.
  const isDue = sql`((${and(
    inArray(conversations.status, ['bot', 'agent']),
    lt(conversations.updatedAt, sql`now() - make_interval(mins => ${policy.resolveAfterMinutes})`),
  )}) or (${and(
    inArray(conversations.status, ['resolved']),
    lt(conversations.updatedAt, sql`now() - make_interval(mins => ${policy.closeAfterMinutes})`),
  )}))`;
  const due = await db.select({ id: conversations.id }).from(conversations).where(isDue).limit(policy.batchSize);

  const changed: Array<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] }> = [];
  for (const { id } of due) {
    const result = await db.transaction(async (tx) => {
      // Checked again under the lock: someone may have written since the scan.
      const [still] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.id, id), isDue))
        .for('update');
      if (!still) return null;
      return applyConversationEvent(tx, id, { type: 'inactivity.timeout' }, { kind: 'system', id: null });
    });
    if (result) changed.push(result);
  }
  return changed;
}
