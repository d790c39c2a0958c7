/**
 * Where queued conversations stand: each one's place in its organization's queue and the wait a visitor can expect.
 * Read on demand (`session:get`) and after every change to a queue (the handoff domain broadcasts it).
 * @module
 */
import { rowsOf, type Database } from '@parley/db';
import type { QueueStatus } from '@parley/protocol';
import { sql } from 'drizzle-orm';

/** How many recent waits the expected wait is the median of, and how far back they may be. */
const RECENT_WAITS = 50;
const RECENT_DAYS = 7;
/** Fewer waits than this say too little: the visitor is told nothing rather than a guess. */
const MIN_WAITS = 5;

/**
 * When each queued conversation of the organization last joined the queue (its latest status change or creation into
 * `queued`), oldest first: the order routing takes them in and the order of the places.
 */
const queuedInOrder = (organizationId: string) => sql`
  select c.id, c.contact_id,
         (select max(e.created_at) from conversation_events e where e.conversation_id = c.id and e.to_status = 'queued') as queued_at
    from conversations c
   where c.organization_id = ${organizationId} and c.status = 'queued'
   order by queued_at, c.created_at, c.id`;

/**
 * The median, in whole seconds, of the organization's most recent waits from joining the queue to a person taking the
 * conversation (the last {@link RECENT_WAITS} within {@link RECENT_DAYS} days); null with fewer than {@link MIN_WAITS}.
 */
export async function expectedWaitSeconds(db: Database, organizationId: string): Promise<number | null> {
  const [row] = rowsOf<{ median: number | string | null; samples: number | string }>(
    await db.execute(sql`
      select percentile_cont(0.5) within group (order by wait) as median, count(*) as samples from (
        select extract(epoch from (e.created_at - joined.at)) as wait
          from conversation_events e
          join conversations c on c.id = e.conversation_id
          cross join lateral (select max(p.created_at) as at from conversation_events p
                               where p.conversation_id = e.conversation_id and p.to_status = 'queued' and p.id < e.id) joined
         where c.organization_id = ${organizationId}
           and e.type = 'status_changed' and e.from_status = 'queued' and e.to_status = 'agent'
           and e.created_at > now() - ${RECENT_DAYS} * interval '1 day' and joined.at is not null
         order by e.created_at desc
         limit ${RECENT_WAITS}) recent`),
  );
  if (!row || Number(row.samples) < MIN_WAITS || row.median === null) return null;
  return Math.round(Number(row.median));
}

/** Every queued conversation of the organization with its place and the expected wait, and whose it is. */
export async function listQueueStatuses(db: Database, organizationId: string): Promise<Array<QueueStatus & { contactId: string }>> {
  const queued = rowsOf<{ id: string; contact_id: string }>(await db.execute(queuedInOrder(organizationId)));
  if (queued.length === 0) return [];
  const wait = await expectedWaitSeconds(db, organizationId);
  return queued.map((row, index) => ({
    conversationId: row.id,
    contactId: row.contact_id,
    position: index + 1,
    expectedWaitSeconds: wait,
  }));
}

/** One queued conversation's place and the expected wait; undefined when it is not queued. */
export async function queueStatusOf(db: Database, conversation: { id: string; organizationId: string }): Promise<QueueStatus | undefined> {
  const statuses = await listQueueStatuses(db, conversation.organizationId);
  const found = statuses.find((status) => status.conversationId === conversation.id);
  if (!found) return undefined;
  const { contactId: _, ...status } = found;
  return status;
}
