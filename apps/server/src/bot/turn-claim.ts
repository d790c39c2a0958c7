/**
 * The claim of a bot turn, in the conversation's row: at most one turn per conversation across every process. A turn
 * claims the conversation with one conditional update, renews the claim with a heartbeat, and releases it when it
 * stores its reply (or gives up). A claim not renewed for the lease belongs to a dead process and may be taken over.
 * @module
 */
import { conversations, messages, widgets, type BotCallInFlight, type Database, type Transaction } from '@parley/db';
import { and, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { ConversationPatch } from '../conversations/append-message.js';
import { conversationBot } from '../profiles/conversation-bot.js';
import type { ReplyTiming } from '../widgets/bot-config.js';
import { hasDecidedAction } from './pending-actions.js';

/** How often a running turn renews its claim and checks it still owns the conversation. */
export const HEARTBEAT_MS = 2000;
/**
 * A claim not renewed for this long belongs to a process that died mid-turn and may be taken over: four missed
 * heartbeats. Together with {@link STRANDED_CHECK_MS} it bounds how long a visitor waits after a crash.
 */
const TURN_LEASE_SECONDS = 8;
/** How often each process looks for stale claims (one index lookup: only claimed rows are in the index). */
export const STRANDED_CHECK_MS = 2000;
/** A waiting visitor message older than this, with no claim at all (its run-bot-turn effect was lost), is picked up. */
const STRANDED_AFTER_SECONDS = 20;

type ConversationRow = typeof conversations.$inferSelect;

/** The turn holding the claim stopped renewing it: its process is dead (or cut off from the database). */
const claimExpired = lt(conversations.botTurnStartedAt, sql`now() - make_interval(secs => ${TURN_LEASE_SECONDS})`);

/**
 * A visitor message after the last one the bot answered, or a decided action call no turn resumed yet
 * (`pending-actions.ts`): the conversation waits for a bot turn.
 */
const waitsForBot = or(
  sql`exists (select 1 from ${messages} where ${messages.conversationId} = ${conversations.id} and ${messages.seq} > ${conversations.botAnsweredSeq} and ${messages.authorKind} = 'visitor')`,
  hasDecidedAction,
)!;

/** The conversation is in `bot` status and `turnId` holds its claim. */
const ownedBy = (conversationId: string, turnId: string) =>
  and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId), eq(conversations.status, 'bot'));

/**
 * Claims the conversation for turn `turnId`: only a `bot` conversation with an unanswered visitor message (or a decided
 * action call to resume) and no live claim can be claimed. Returns the conversation as claimed, or undefined.
 */
export async function claimTurn(db: Database, conversationId: string, turnId: string): Promise<ConversationRow | undefined> {
  const [claimed] = await db
    .update(conversations)
    .set({ botTurnId: turnId, botTurnStartedAt: sql`now()` })
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.status, 'bot'),
        or(isNull(conversations.botTurnId), claimExpired),
        waitsForBot,
      ),
    )
    .returning();
  return claimed;
}

/**
 * The turn-taking of a conversation that waits for a turn it could claim now (`bot`, an unanswered visitor message, no
 * live claim): its bot's (`conversationBot`: a profile's or the widget's), or `serverDefault`. Null when it waits for none: a turn would claim nothing.
 */
export async function replyTimingOf(db: Database, conversationId: string, serverDefault: ReplyTiming): Promise<ReplyTiming | null> {
  const [row] = await db
    .select({
      bot: widgets.bot,
      botProfileId: widgets.botProfileId,
      conversation: { teamId: conversations.teamId, botProfileId: conversations.botProfileId },
    })
    .from(conversations)
    .innerJoin(widgets, eq(widgets.id, conversations.widgetId))
    .where(
      and(
        eq(conversations.id, conversationId),
        eq(conversations.status, 'bot'),
        or(isNull(conversations.botTurnId), claimExpired),
        waitsForBot,
      ),
    );
  if (!row) return null;
  return (await conversationBot(db, row, row.conversation)).config.turnTaking ?? serverDefault;
}

/** Renews the claim (the heartbeat); false when the turn no longer owns the conversation (a human took over). */
export async function renewClaim(db: Database, conversationId: string, turnId: string): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ botTurnStartedAt: sql`now()` })
    .where(ownedBy(conversationId, turnId))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

/**
 * Locks the conversation's row if turn `turnId` still owns it; undefined otherwise. Whatever the turn writes (a tool's
 * changes, its reply) is written under this lock, so a human taking over in between wins.
 */
export async function lockOwnedConversation(tx: Transaction, conversationId: string, turnId: string): Promise<ConversationRow | undefined> {
  const [row] = await tx.select().from(conversations).where(ownedBy(conversationId, turnId)).for('update');
  return row;
}

/** The SQL condition of {@link lockOwnedConversation}, for statements that check and write at once (`c`: conversations). */
export function ownedByCondition(conversationId: string, turnId: string) {
  return sql`c.id = ${conversationId} and c.bot_turn_id = ${turnId} and c.status = 'bot'`;
}

/**
 * What storing a turn's reply writes besides the message: the claim released, the seq the turn answered up to, and its
 * external calls no longer in flight (their outcomes are stored with the reply).
 */
export function releasedClaim(answeredSeq: number): ConversationPatch {
  return { botTurnId: null, botTurnStartedAt: null, botAnsweredSeq: answeredSeq, botCallsInFlight: null };
}

/** Releases the claim without a reply (the turn was cancelled), if the turn still holds it. */
export async function releaseClaim(tx: Transaction, conversationId: string, turnId: string): Promise<void> {
  await tx
    .update(conversations)
    .set({ botTurnId: null, botTurnStartedAt: null })
    .where(and(eq(conversations.id, conversationId), eq(conversations.botTurnId, turnId)));
}

/**
 * Forgets the external calls turn `turnId` noted, whether it still holds the conversation or not (a person took over):
 * for a turn that ends without a reply, which logs what came of its calls itself (a later turn would otherwise take
 * them for calls a crash interrupted), and for the turn that resumed a crashed one and logged its calls.
 */
export async function forgetCallsInFlight(db: Database | Transaction, conversationId: string, turnId: string): Promise<void> {
  await db
    .update(conversations)
    .set({ botCallsInFlight: null })
    .where(and(eq(conversations.id, conversationId), sql`${conversations.botCallsInFlight} -> 0 ->> 'turnId' = ${turnId}`));
}

/**
 * Notes, before it leaves, an external call the turn `turnId` makes, while the turn still owns the conversation (one
 * statement, which takes the row's lock as the ownership check does). False when it no longer does: the call must not
 * be made. A turn resumed after a crash finds what was in flight (`botCallsInFlight`).
 */
export async function noteCallInFlight(db: Database, conversationId: string, call: BotCallInFlight): Promise<boolean> {
  const noted = await db
    .update(conversations)
    .set({ botCallsInFlight: sql`coalesce(${conversations.botCallsInFlight}, '[]'::jsonb) || ${JSON.stringify([call])}::jsonb` })
    .where(ownedBy(conversationId, call.turnId))
    .returning({ id: conversations.id });
  return noted.length > 0;
}

/**
 * Bot conversations whose visitor waits for an answer that no live turn is writing: a claim whose process stopped
 * renewing it, or a message whose turn was never started (the process died between storing it and claiming).
 */
export async function findStrandedTurns(db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.status, 'bot'),
        or(
          and(isNotNull(conversations.botTurnId), claimExpired),
          and(isNull(conversations.botTurnId), lt(conversations.updatedAt, sql`now() - make_interval(secs => ${STRANDED_AFTER_SECONDS})`)),
        ),
        waitsForBot,
      ),
    )
    .limit(100);
  return rows.map((row) => row.id);
}

/**
 * Releases every claim of a conversation that waits for the bot, and returns those conversations: for a process that is
 * the only one on its database and is just starting, when every claim is a dead process's however fresh it looks.
 */
export async function releaseAllClaims(db: Database): Promise<string[]> {
  const rows = await db
    .update(conversations)
    .set({ botTurnId: null, botTurnStartedAt: null })
    .where(and(isNotNull(conversations.botTurnId), eq(conversations.status, 'bot'), waitsForBot))
    .returning({ id: conversations.id });
  return rows.map((row) => row.id);
}
