/**
 * Calls of the bot's actions that wait for a decision (`confirm`: the visitor's; `approve`: an agent's), in table
 * `pending_actions`. A turn that calls such an action stores its message and the pending call, and ends; a decision
 * (the visitor's Confirm or Cancel, an agent's approval or rejection, the timeout) makes the conversation wait for the
 * bot again (`waitsForBot` in `turn-claim.ts`), and the next turn claims the decided call (`resumedAt`, at most once)
 * and resumes it: runs it, or tells the model it was refused. Every write here is a conditional update, so two
 * processes, a decision racing the timeout, or a takeover racing a decision settle on one outcome.
 * @module
 */
import { conversations, memberships, messages, pendingActions, teamMembers, toolCalls, type Database, type Transaction } from '@parley/db';
import { isAdminRole, ParleyError, type PendingAction, type PendingActionStatus } from '@parley/protocol';
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { organizationRoom, type Realtime } from '../plugins/io.js';

/** A row of `pending_actions`. */
export type PendingActionRow = typeof pendingActions.$inferSelect;

/** The statuses a decision leaves: the ones a turn resumes. */
const DECIDED = ['confirmed', 'cancelled', 'approved', 'rejected', 'expired'] as const satisfies readonly PendingActionStatus[];

/** A database or a transaction: the writes here run in either. */
type Writer = Database | Transaction;

/** A pending action as agents see it. */
export function toPendingAction(row: PendingActionRow): PendingAction {
  return {
    id: row.id,
    conversationId: row.conversationId,
    messageId: row.messageId,
    tool: row.tool,
    input: row.input as PendingAction['input'],
    policy: row.policy,
    summary: row.summary,
    status: row.status,
    teamId: row.teamId,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decidedBy: row.decidedByKind ? { kind: row.decidedByKind, name: row.decidedByName } : null,
    note: row.note,
  };
}

/** Tells the organization's agents that calls started waiting, were decided or closed. */
export function announcePendingActions(realtime: Realtime, rows: readonly PendingActionRow[]): void {
  for (const row of rows) realtime.agents.to(organizationRoom(row.organizationId)).emit('pending-action:updated', toPendingAction(row));
}

/**
 * Records calls closed without running in `tool_calls` (with their policy, the pending action and why), so the log has
 * every call the model made, run or not.
 */
export async function logClosedCalls(writer: Writer, rows: readonly PendingActionRow[], reason: string): Promise<void> {
  if (rows.length === 0) return;
  await writer.insert(toolCalls).values(
    rows.map((row) => ({
      conversationId: row.conversationId,
      messageId: null,
      turnId: row.turnId,
      toolUseId: row.toolUseId,
      tool: row.tool,
      input: row.input ?? null,
      output: null,
      error: `${reason} (${row.status})`,
      success: false,
      policy: row.policy,
      pendingActionId: row.id,
      durationMs: 0,
    })),
  );
}

/** What a pausing turn stores (with its message, in the same transaction). */
export type NewPendingAction = Omit<typeof pendingActions.$inferInsert, 'status' | 'createdAt' | 'expiresAt'> & { timeoutSeconds: number };

/** Stores a paused call. The unique index lets one wait per conversation: the turn checked there was none. */
export async function insertPendingAction(tx: Transaction, action: NewPendingAction): Promise<PendingActionRow> {
  const { timeoutSeconds, ...values } = action;
  const [row] = await tx
    .insert(pendingActions)
    .values({ ...values, expiresAt: sql`now() + make_interval(secs => ${timeoutSeconds})` })
    .returning();
  return row!;
}

/** What a turn finds as it starts, under its claim: the call it resumes, the one still waiting, and what it decided. */
export interface ActionsAtTurnStart {
  /** A decided call this turn claimed and resumes (runs it, or tells the model it was refused). */
  resume: PendingActionRow | null;
  /** A call still waiting for its decision: the model is told, and may not pause another. */
  waiting: PendingActionRow | null;
  /** Rows this turn changed (a confirmation the visitor answered, wrote past, or left too long): to announce. */
  changed: PendingActionRow[];
}

/**
 * Settles the conversation's calls as its turn starts, in the turn's transaction (the conversation's row is locked
 * and owned by the turn). A `confirm` call still in time is decided by the visitor's first message after the question:
 * the Confirm or Cancel label (what a click on the button sends, compared without case) decides it; anything else
 * withdraws it (the visitor moved on; the model may ask again). An `approve` call waits for an agent whatever the
 * visitor writes, but the Cancel label (its quick reply) cancels it: the visitor withdrew the request, and the model is
 * told as for a Cancel. A message written before the question was shown leaves it waiting. Then a decided call is
 * claimed for this turn.
 */
export async function settleAtTurnStart(
  tx: Transaction,
  conversationId: string,
  visitorMessages: ReadonlyArray<{ seq: number; body: string }>,
): Promise<ActionsAtTurnStart> {
  const rows = await tx
    .select({ row: pendingActions, askedSeq: messages.seq, inTime: sql<boolean>`${pendingActions.expiresAt} > now()` })
    .from(pendingActions)
    .leftJoin(messages, eq(messages.id, pendingActions.messageId))
    .where(and(eq(pendingActions.conversationId, conversationId), isNull(pendingActions.resumedAt)))
    .orderBy(asc(pendingActions.createdAt))
    .for('update', { of: pendingActions });
  const changed: PendingActionRow[] = [];
  let resume: PendingActionRow | null = null;
  let waiting: PendingActionRow | null = null;
  for (const { row, askedSeq, inTime } of rows) {
    if (row.status !== 'pending') {
      if ((DECIDED as readonly string[]).includes(row.status)) resume ??= row;
      continue;
    }
    const answers = visitorMessages.filter((message) => message.seq > (askedSeq ?? 0));
    const cancel = row.cancelLabel?.toLocaleLowerCase();
    const answer = row.policy === 'confirm' ? answers[0] : answers.find((message) => message.body.trim().toLocaleLowerCase() === cancel);
    if (!answer) {
      waiting = row;
      continue;
    }
    const said = answer.body.trim().toLocaleLowerCase();
    const status = !inTime
      ? 'expired'
      : said === row.confirmLabel?.toLocaleLowerCase()
        ? 'confirmed'
        : said === row.cancelLabel?.toLocaleLowerCase()
          ? 'cancelled'
          : 'withdrawn';
    const closes = status === 'expired' || status === 'withdrawn';
    const [decided] = await tx
      .update(pendingActions)
      .set({
        status,
        decidedAt: sql`now()`,
        decidedByKind: closes ? 'system' : 'visitor',
        ...(closes ? { resumedAt: sql`now()` } : {}),
      })
      .where(eq(pendingActions.id, row.id))
      .returning();
    changed.push(decided!);
    if (closes) await logClosedCalls(tx, [decided!], 'Not run: the visitor did not confirm');
    else resume ??= decided!;
  }
  if (resume) {
    const [claimed] = await tx
      .update(pendingActions)
      .set({ resumedAt: sql`now()` })
      .where(and(eq(pendingActions.id, resume.id), isNull(pendingActions.resumedAt)))
      .returning();
    resume = claimed ?? null;
  }
  return { resume, waiting, changed };
}

/**
 * Closes a call a turn claimed and then could not run (the turn was cancelled or failed first): `withdrawn`, with its
 * `tool_calls` row saying so. Returns it, to announce.
 */
export async function closeUnrunCall(tx: Transaction, row: PendingActionRow, reason: string): Promise<PendingActionRow> {
  const [closed] = await tx
    .update(pendingActions)
    .set({ status: 'withdrawn', decidedAt: sql`coalesce(${pendingActions.decidedAt}, now())` })
    .where(eq(pendingActions.id, row.id))
    .returning();
  await logClosedCalls(tx, [closed!], reason);
  return closed!;
}

/** The organization's pending action; `not_found` for another organization's or none. */
export async function getPendingActionRow(db: Database, organizationId: string, actionId: string): Promise<PendingActionRow> {
  const [row] = await db
    .select()
    .from(pendingActions)
    .where(and(eq(pendingActions.id, actionId), eq(pendingActions.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'No pending action has this id.');
  return row;
}

/** Who decides an approval. */
export interface Approver {
  userId: string;
  name: string;
}

/**
 * An agent's decision on a call waiting for approval, by an agent of the action's team or an admin (`forbidden`),
 * only while it waits and is in time (`conflict` once decided, expired or withdrawn) and while the bot still has the
 * conversation (a person who took over decides by writing). The conversation's row is locked with the call's, so a
 * takeover and a decision can't both win. Returns the decided row.
 */
export async function decideApproval(
  db: Database,
  input: { organizationId: string; actionId: string; approver: Approver; approve: boolean; note: string | undefined },
): Promise<PendingActionRow> {
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({
        action: pendingActions,
        conversationStatus: conversations.status,
        inTime: sql<boolean>`${pendingActions.expiresAt} > now()`,
      })
      .from(pendingActions)
      .innerJoin(conversations, eq(conversations.id, pendingActions.conversationId))
      .where(and(eq(pendingActions.id, input.actionId), eq(pendingActions.organizationId, input.organizationId)))
      .for('update', { of: [pendingActions, conversations] });
    if (!found) throw new ParleyError('not_found', 'No pending action has this id.');
    const { action } = found;
    if (action.policy !== 'approve') throw new ParleyError('conflict', 'The visitor confirms this action, not an agent.');
    // Who may decide first: an agent of another team learns nothing of where the call stands.
    if (!(await mayApprove(tx, input.organizationId, input.approver.userId, action.teamId))) {
      throw new ParleyError('forbidden', "Only the action's team (or an admin) can decide.");
    }
    if (action.status !== 'pending') throw new ParleyError('conflict', `This action was already decided (${action.status}).`);
    if (!found.inTime) throw new ParleyError('conflict', 'This action waited too long and counts as rejected.');
    if (found.conversationStatus !== 'bot') {
      throw new ParleyError('conflict', 'A person took the conversation over: the action was withdrawn.');
    }
    const [decided] = await tx
      .update(pendingActions)
      .set({
        status: input.approve ? 'approved' : 'rejected',
        decidedAt: sql`now()`,
        decidedByKind: 'agent',
        decidedById: input.approver.userId,
        decidedByName: input.approver.name,
        note: input.note || null,
      })
      .where(and(eq(pendingActions.id, action.id), eq(pendingActions.status, 'pending')))
      .returning();
    return decided!;
  });
}

/** Whether the agent may decide a call of `teamId`'s: an admin, any agent for no team, or a member of the team. */
async function mayApprove(tx: Transaction, organizationId: string, userId: string, teamId: string | null): Promise<boolean> {
  const [membership] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
  if (!membership) return false;
  if (teamId === null || isAdminRole(membership.role)) return true;
  const [member] = await tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return Boolean(member);
}

/**
 * The calls whose time ran out, decided `expired` (a refusal: the bot tells the visitor and offers a person), or
 * `withdrawn` when the conversation left the bot meanwhile. An expired confirmation resumes nothing (the visitor went
 * quiet): it is closed at once. Returns the rows changed; the caller announces them and schedules turns for the
 * approvals.
 */
export async function expireDueActions(db: Database): Promise<PendingActionRow[]> {
  const due = await db
    .select({ id: pendingActions.id, conversationStatus: conversations.status, policy: pendingActions.policy })
    .from(pendingActions)
    .innerJoin(conversations, eq(conversations.id, pendingActions.conversationId))
    .where(and(eq(pendingActions.status, 'pending'), lt(pendingActions.expiresAt, sql`now()`)))
    .limit(100);
  const changed: PendingActionRow[] = [];
  for (const { id, conversationStatus, policy } of due) {
    const status = conversationStatus === 'bot' ? 'expired' : 'withdrawn';
    const closes = status === 'withdrawn' || policy === 'confirm';
    const [row] = await db
      .update(pendingActions)
      .set({ status, decidedAt: sql`now()`, decidedByKind: 'system', ...(closes ? { resumedAt: sql`now()` } : {}) })
      // Only while it still waits: another process, or a decision, may have been first.
      .where(and(eq(pendingActions.id, id), eq(pendingActions.status, 'pending')))
      .returning();
    if (row) changed.push(row);
  }
  await logClosedCalls(
    db,
    changed.filter((row) => row.resumedAt !== null),
    'Not run: nobody decided in time, or a person had taken the conversation over',
  );
  return changed;
}

/**
 * Withdraws the conversation's calls once it is no longer the bot's (a person took over, the visitor asked for one):
 * the waiting ones, and decided ones no turn resumed (they never ran). Each gets its `tool_calls` row. Returns the rows
 * changed.
 */
export async function withdrawActions(writer: Writer, conversationId: string): Promise<PendingActionRow[]> {
  const withdrawn = await writer
    .update(pendingActions)
    .set({
      status: 'withdrawn',
      decidedAt: sql`coalesce(${pendingActions.decidedAt}, now())`,
      decidedByKind: sql`coalesce(${pendingActions.decidedByKind}, 'system')`,
      resumedAt: sql`now()`,
    })
    .where(
      and(
        eq(pendingActions.conversationId, conversationId),
        isNull(pendingActions.resumedAt),
        sql`exists (select 1 from ${conversations} where ${conversations.id} = ${pendingActions.conversationId} and ${conversations.status} <> 'bot')`,
      ),
    )
    .returning();
  await logClosedCalls(writer, withdrawn, 'Not run: a person took the conversation over');
  return withdrawn;
}

/** The organization's pending actions with `status` (or any), of one conversation or all, the oldest first. */
export async function listPendingActions(
  db: Database,
  organizationId: string,
  filter: { status?: PendingActionStatus | undefined; conversationId?: string | undefined },
): Promise<PendingAction[]> {
  const rows = await db
    .select()
    .from(pendingActions)
    .where(
      and(
        eq(pendingActions.organizationId, organizationId),
        filter.status ? eq(pendingActions.status, filter.status) : undefined,
        filter.conversationId ? eq(pendingActions.conversationId, filter.conversationId) : undefined,
      ),
    )
    .orderBy(asc(pendingActions.createdAt))
    .limit(200);
  return rows.map(toPendingAction);
}

/** SQL: the conversation (`conversations` in the outer query) has a decided call no turn resumed yet. */
export const hasDecidedAction = sql`exists (select 1 from ${pendingActions} where ${pendingActions.conversationId} = ${conversations.id} and ${pendingActions.resumedAt} is null and ${inArray(pendingActions.status, [...DECIDED])})`;
