/**
 * The console's inbox: the views (mine, unassigned, open, follow-ups, resolved) with their counts, filters, search,
 * the two orders with keyset (cursor) pagination, and each agent's read position per conversation.
 * @module
 */
import { conversations, rowsOf, type Database } from '@parley/db';
import {
  ParleyError,
  type ConversationList,
  type ConversationStatus,
  type InboxCounts,
  type InboxSort,
  type InboxView,
  type ReadState,
} from '@parley/protocol';
import { and, asc, desc, eq, gte, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { toConversationSummary } from './mappers.js';
import { findSummaries } from './service.js';

/** What `GET /api/conversations` asks, as its schema parsed it. */
export interface InboxQuery {
  view?: InboxView | undefined;
  status?: ConversationStatus | undefined;
  assigneeId?: string | undefined;
  teamId?: string | undefined;
  widgetId?: string | undefined;
  contactId?: string | undefined;
  /** ISO 8601. */
  updatedSince?: string | undefined;
  q?: string | undefined;
  sort: InboxSort;
  cursor?: string | undefined;
  limit: number;
}

/**
 * Who the list is for: an agent (their organization's conversations, their own assignments and reads), or an API token
 * (`userId` null: no view `mine`, and no unread counts, which are an agent's own).
 */
export interface InboxReader {
  userId: string | null;
  organizationId: string;
}

const openStatuses = ['bot', 'queued', 'agent'] as const;
const doneStatuses = ['resolved', 'closed'] as const;

/** True when the conversation is a follow-up. */
const hasTicket = sql`exists (select 1 from tickets t where t.conversation_id = ${conversations.id})`;

/** The condition of a view on `conversations`. */
function viewCondition(view: InboxView, reader: InboxReader): SQL {
  switch (view) {
    case 'mine':
      if (reader.userId === null) {
        throw new ParleyError('invalid_payload', 'The view "mine" is a signed-in agent\'s; filter with assigneeId instead.', {
          issues: [{ path: 'view', message: 'Not available to an API token.' }],
        });
      }
      return and(eq(conversations.status, 'agent'), eq(conversations.assigneeId, reader.userId))!;
    case 'unassigned':
      return eq(conversations.status, 'queued');
    case 'open':
      return inArray(conversations.status, [...openStatuses]);
    case 'follow_ups':
      return and(hasTicket, notInArray(conversations.status, [...doneStatuses]))!;
    case 'resolved':
      return inArray(conversations.status, [...doneStatuses]);
  }
}

/** `text` as the start of a `like` pattern: its wildcards (`%`, `_`) and the escape character taken literally. */
function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

// A search of more words than this only looks for the first ones in contacts' names.
const MAX_NAME_WORDS = 8;

/**
 * What a search looks for. Messages are indexed with the `simple` configuration (every word as written, in lower
 * case); the query asks for all its words as written and, or'ed, as the organization's language stems them (`refunds`
 * also finds "refund"). A contact matches when their name has all the words (the last one as a prefix: `grace hop`
 * finds Grace Hopper) or their e-mail address starts with `q`.
 */
interface Search {
  /** The tsquery for messages, or null when `q` has no letter or digit. */
  words: SQL | null;
  /** The tsquery text for names (`grace & hop:*`), or null. */
  nameQuery: string | null;
  /** The `like` pattern for the lower-cased e-mail address. */
  emailPrefix: string;
}

function searchOf(q: string, organizationId: string): Search {
  const language = sql`(select o.knowledge_language::regconfig from organizations o where o.id = ${organizationId})`;
  const contact = contactSearchOf(q);
  return {
    words: contact.nameQuery ? sql`(plainto_tsquery('simple', ${q}) || plainto_tsquery(${language}, ${q}))` : null,
    ...contact,
  };
}

/** What a search looks for in contacts: the words of the name (the last as a prefix), or the e-mail's start. */
function contactSearchOf(q: string): Pick<Search, 'nameQuery' | 'emailPrefix'> {
  // Letters and digits only: nothing in them is tsquery syntax.
  const nameWords = q
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_NAME_WORDS);
  return { nameQuery: nameWords.length > 0 ? `${nameWords.join(' & ')}:*` : null, emailPrefix: prefixPattern(q.toLowerCase()) };
}

/**
 * The contacts (as `ct`) a search `q` finds, as the inbox's search finds them: every word in the name, the last one as
 * a prefix (`grace hop` finds Grace Hopper), or an e-mail address that starts with `q`.
 */
export function contactSearchCondition(q: string): SQL {
  return contactCondition(contactSearchOf(q));
}

/** The condition on contacts `ct` (by the indexes `contacts_name_search_idx` and `contacts_email_prefix_idx`). */
function contactCondition(search: Pick<Search, 'nameQuery' | 'emailPrefix'>): SQL {
  const byEmail = sql`lower(ct.email) like ${search.emailPrefix}`;
  if (!search.nameQuery) return byEmail;
  return sql`(to_tsvector('simple', coalesce(ct.name, '')) @@ to_tsquery('simple', ${search.nameQuery}) or ${byEmail})`;
}

/**
 * Whether a message of conversation `id` (not a system line) has the words, checked for one conversation at a time
 * (its few messages, by the `(conversation_id, seq)` index): a lateral subquery, which the planner cannot turn into a
 * hash of every matching message of the database as it may an `exists` under `or`.
 */
function messageHit(search: Search, id: SQL): SQL {
  if (!search.words) return sql`(select false as hit)`;
  return sql`(select true as hit from messages m where m.conversation_id = ${id} and m.author_kind <> 'system'
                and to_tsvector('simple', m.body) @@ ${search.words} limit 1)`;
}

/** The same for the contact `contactId`. */
function contactHit(search: Search, contactId: SQL): SQL {
  return sql`(select true as hit from contacts ct where ct.id = ${contactId} and ${contactCondition(search)})`;
}

/** The conversations of the organization that match, found through the indexes (GIN on messages and names). */
function indexedMatches(search: Search, organizationId: string): SQL {
  const byContact = sql`select cv.id from conversations cv join contacts ct on ct.id = cv.contact_id
    where ct.organization_id = ${organizationId} and ${contactCondition(search)}`;
  if (!search.words) return sql`${conversations.id} in (${byContact})`;
  return sql`${conversations.id} in (
    select m.conversation_id from messages m
     where m.author_kind <> 'system' and to_tsvector('simple', m.body) @@ ${search.words}
    union
    ${byContact})`;
}

// The sort keys, each with the conversation's id as the tie-breaker.
const waitingFlag = sql`(${conversations.waitingSince} is null)`;
const waitingTime = sql`coalesce(${conversations.waitingSince}, ${conversations.updatedAt})`;
/** A timestamp as whole microseconds since 1970 (Postgres' precision), as text: exact in a cursor. */
const micros = (time: SQL) => sql<string>`(extract(epoch from ${time}) * 1000000)::bigint::text`;
/** The timestamp `microseconds` (text of digits) stands for. */
const fromMicros = (microseconds: string) => sql`(timestamptz 'epoch' + ${microseconds}::bigint * interval '1 microsecond')`;

/** Where a page ends: the last conversation's sort key. */
type CursorKey = { sort: 'recent'; time: string; id: string } | { sort: 'waiting'; waiting: boolean; time: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Microseconds since 1970 up to 2^53 (the year 2255): exact as a JavaScript number too.
const MICROS = /^\d{1,16}$/;
const MAX_MICROS = 2 ** 53;

/** The opaque cursor of a page's last row: base64url of `[sort, (waiting,) microseconds, id]`. */
export function encodeCursor(key: CursorKey): string {
  const parts = key.sort === 'recent' ? ['r', key.time, key.id] : ['w', key.waiting ? 1 : 0, key.time, key.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function invalidCursor(): ParleyError {
  return new ParleyError('invalid_payload', 'The cursor is not valid for this list.', {
    issues: [{ path: 'cursor', message: 'Not a cursor of this list.' }],
  });
}

function isMicros(time: unknown): time is string {
  return typeof time === 'string' && MICROS.test(time) && Number(time) <= MAX_MICROS;
}

function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** Reads a cursor made by {@link encodeCursor} for `sort`; anything else is `invalid_payload`. */
export function decodeCursor(cursor: string, sort: InboxSort): CursorKey {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts)) throw invalidCursor();
  if (sort === 'recent' && parts.length === 3 && parts[0] === 'r' && isMicros(parts[1]) && isUuid(parts[2])) {
    return { sort, time: parts[1], id: parts[2] };
  }
  if (sort === 'waiting' && parts.length === 4 && parts[0] === 'w' && (parts[1] === 0 || parts[1] === 1)) {
    const [, waiting, time, id] = parts;
    if (isMicros(time) && isUuid(id)) return { sort, waiting: waiting === 1, time, id };
  }
  throw invalidCursor();
}

/** Rows after the cursor, in the sort's order. */
function afterCursor(key: CursorKey): SQL {
  if (key.sort === 'recent') return sql`(${conversations.updatedAt}, ${conversations.id}) < (${fromMicros(key.time)}, ${key.id}::uuid)`;
  // Waiting (flag false) sorts before not waiting (true).
  return sql`(${waitingFlag}, ${waitingTime}, ${conversations.id}) > (${!key.waiting}, ${fromMicros(key.time)}, ${key.id}::uuid)`;
}

/** A listed conversation's place in the order. */
interface PageRow {
  id: string;
  sortTime: string;
  waiting: boolean;
}

/**
 * How many conversations, in the list's order, a search first checks one by one before it asks the indexes. A common
 * word fills a page from the first few conversations, which the GIN index would only find among thousands (every
 * match hashed, joined and sorted); a rare one is found by the index at once.
 */
const SEARCH_WALK = 400;

/**
 * The ids of a page, in order: the conditions, order and limit on `conversations` alone. The summaries' joins come
 * after, for these rows only. With a search, the first {@link SEARCH_WALK} conversations of the list are checked one
 * by one; when they don't fill the page, the indexes find the rest.
 */
async function pageRows(
  db: Database,
  organizationId: string,
  conditions: SQL[],
  sort: InboxSort,
  limit: number,
  search: Search | null,
  walk: number,
): Promise<PageRow[]> {
  const order =
    sort === 'recent'
      ? [desc(conversations.updatedAt), desc(conversations.id)]
      : [asc(waitingFlag), asc(waitingTime), asc(conversations.id)];
  const keys = {
    id: conversations.id,
    sortTime: sort === 'recent' ? micros(sql`${conversations.updatedAt}`) : micros(waitingTime),
    waiting: sql<boolean>`(${conversations.waitingSince} is not null)`,
  };
  const byIndexes = (extra: SQL[]) =>
    db
      .select(keys)
      .from(conversations)
      .where(and(...conditions, ...extra))
      .orderBy(...order)
      .limit(limit);
  if (!search) return byIndexes([]);

  // The walk: a prefix of the list, so its matches are the first matches of the list, in order. `walked` says how
  // long the prefix was: shorter than the walk, it was the whole list.
  const result = await db.execute(sql`
    with walked as (
      select ${conversations.id} as id, ${conversations.contactId} as contact_id, ${keys.sortTime} as sort_time,
             ${keys.waiting} as waiting, row_number() over (order by ${sql.join(order, sql`, `)}) as rank
        from ${conversations}
       where ${and(...conditions)}
       order by ${sql.join(order, sql`, `)}
       limit ${walk}
    )
    select n.walked, h.id, h.sort_time, h.waiting
      from (select count(*)::int as walked from walked) n
      left join lateral (
        select w.id, w.sort_time, w.waiting from walked w
          left join lateral ${messageHit(search, sql`w.id`)} by_message on true
          left join lateral ${contactHit(search, sql`w.contact_id`)} by_contact on true
         where by_message.hit or by_contact.hit
         order by w.rank
         limit ${limit}
      ) h on true`);
  const rows = rowsOf<{ walked: number; id: string | null; sort_time: string; waiting: boolean }>(result);
  const found = rows.filter((row) => row.id !== null).map((row) => ({ id: row.id!, sortTime: row.sort_time, waiting: row.waiting }));
  if (found.length >= limit || Number(rows[0]?.walked ?? 0) < walk) return found;
  return byIndexes([indexedMatches(search, organizationId)]);
}

/**
 * A page of the organization's conversations for `reader`: the view, filters and search of `query`, in its order,
 * after its cursor; each summary with the reader's unread count, and the cursor of the next page (null on the last).
 */
export async function listInbox(
  db: Database,
  reader: InboxReader,
  query: InboxQuery,
  options: { searchWalk?: number } = {},
): Promise<ConversationList> {
  const conditions: SQL[] = [eq(conversations.organizationId, reader.organizationId)];
  if (query.view) conditions.push(viewCondition(query.view, reader));
  if (query.status) conditions.push(eq(conversations.status, query.status));
  if (query.assigneeId) conditions.push(eq(conversations.assigneeId, query.assigneeId));
  if (query.teamId) conditions.push(eq(conversations.teamId, query.teamId));
  if (query.widgetId) conditions.push(eq(conversations.widgetId, query.widgetId));
  if (query.contactId) conditions.push(eq(conversations.contactId, query.contactId));
  if (query.updatedSince) conditions.push(gte(conversations.updatedAt, new Date(query.updatedSince)));
  if (query.cursor !== undefined) conditions.push(afterCursor(decodeCursor(query.cursor, query.sort)));
  const q = query.q?.trim();
  const search = q ? searchOf(q, reader.organizationId) : null;

  const walk = options.searchWalk ?? SEARCH_WALK;
  const rows = await pageRows(db, reader.organizationId, conditions, query.sort, query.limit + 1, search, walk);
  const page = rows.slice(0, query.limit);
  if (page.length === 0) return { conversations: [], nextCursor: null };
  const summaries = await findSummaries(db, {
    where: inArray(
      conversations.id,
      page.map((row) => row.id),
    ),
    limit: page.length,
    unreadCount:
      reader.userId === null
        ? sql<number>`0`
        : sql<number>`(select count(*)::int from messages u
      where u.conversation_id = ${conversations.id} and u.author_kind = 'visitor'
        and u.seq > coalesce((select r.last_read_seq from conversation_reads r
                               where r.user_id = ${reader.userId} and r.conversation_id = ${conversations.id}), 0))`,
  });
  const byId = new Map(summaries.map((row) => [row.conversation.id, toConversationSummary(row)]));
  const last = page.at(-1)!;
  const nextCursor =
    rows.length > query.limit
      ? encodeCursor(
          query.sort === 'recent'
            ? { sort: 'recent', time: last.sortTime, id: last.id }
            : { sort: 'waiting', waiting: last.waiting, time: last.sortTime, id: last.id },
        )
      : null;
  // A conversation deleted between the two statements is left out.
  return { conversations: page.flatMap((row) => byId.get(row.id) ?? []), nextCursor };
}

/**
 * How many conversations each view has for `reader`, in one statement: the open ones counted by status and assignee
 * (`count(*) filter`), the resolved ones from the status index alone, follow-ups from the organization's tickets.
 */
export async function countInbox(db: Database, reader: InboxReader): Promise<InboxCounts> {
  const organizationId = reader.organizationId;
  const result = await db.execute(sql`
    select o.mine, o.unassigned, o.open,
           (select count(*)::int from tickets t join conversations c on c.id = t.conversation_id
             where t.organization_id = ${organizationId} and c.status not in ('resolved', 'closed')) as follow_ups,
           (select count(*)::int from conversations c
             where c.organization_id = ${organizationId} and c.status in ('resolved', 'closed')) as resolved
      from (select count(*) filter (where c.status = 'agent' and c.assignee_id = ${reader.userId})::int as mine,
                   count(*) filter (where c.status = 'queued')::int as unassigned,
                   count(*)::int as open
              from conversations c
             where c.organization_id = ${organizationId} and c.status in ('bot', 'queued', 'agent')) o`);
  const [row] = rowsOf<{ mine: number; unassigned: number; open: number; follow_ups: number; resolved: number }>(result);
  return {
    mine: Number(row?.mine ?? 0),
    unassigned: Number(row?.unassigned ?? 0),
    open: Number(row?.open ?? 0),
    followUps: Number(row?.follow_ups ?? 0),
    resolved: Number(row?.resolved ?? 0),
  };
}

/**
 * Records that `reader` has seen a conversation of their organization up to `seq`: the greatest seq read so far, at
 * most the conversation's `lastSeq`. Another organization's conversation is `not_found`.
 */
export async function markRead(db: Database, reader: InboxReader, conversationId: string, seq: number): Promise<ReadState> {
  const result = await db.execute<{ last_read_seq: number; unread_count: number }>(sql`
    with target as (
      select c.id, c.last_seq from conversations c where c.id = ${conversationId} and c.organization_id = ${reader.organizationId}
    ), upserted as (
      insert into conversation_reads (user_id, conversation_id, last_read_seq, updated_at)
      select ${reader.userId}, target.id, least(${seq}::int, target.last_seq), now() from target
      on conflict (user_id, conversation_id) do update
        set last_read_seq = greatest(conversation_reads.last_read_seq, excluded.last_read_seq), updated_at = now()
      returning last_read_seq
    )
    select upserted.last_read_seq,
           (select count(*)::int from messages m
             where m.conversation_id = ${conversationId} and m.author_kind = 'visitor' and m.seq > upserted.last_read_seq) as unread_count
      from upserted`);
  const [row] = rowsOf<{ last_read_seq: number; unread_count: number }>(result);
  if (!row) throw new ParleyError('not_found', 'Conversation not found.');
  return { conversationId, lastReadSeq: Number(row.last_read_seq), unreadCount: Number(row.unread_count) };
}
