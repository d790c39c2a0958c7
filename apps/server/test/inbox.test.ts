import { randomUUID } from 'node:crypto';
import { contacts, conversations, teams, tickets } from '@parley/db';
import type { Ack, ConversationList, ConversationSummary, InboxCounts, MessageSent, ReadState } from '@parley/protocol';
import { sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { appendMessage } from '../src/conversations/append-message.js';
import { listInbox } from '../src/conversations/inbox.js';
import { createAgent, createWidget } from '../src/seed/accounts.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { apiRequest, connectVisitor, createTenant, jsonOf, login, ok, request, SHOP_ORIGIN, useTestServer } from './helpers/server.js';

// The console's inbox: views with counts, filters, search, the two orders with cursor pages, and each agent's unread
// count kept on the server.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

type Tenant = Awaited<ReturnType<typeof organization>>;

/** An organization with two agents (signed in), a second widget and a team. */
async function organization() {
  const tenant = await createTenant(server);
  const { token } = await login(server, tenant.email, tenant.password);
  const otherEmail = `other-${randomUUID().slice(0, 8)}@shop.example`;
  const otherPassword = `pw-${randomUUID()}`;
  const other = await createAgent(server.db.db, {
    organizationId: tenant.organization.id,
    email: otherEmail,
    name: 'Other agent',
    password: otherPassword,
    role: 'agent',
  });
  const otherToken = (await login(server, otherEmail, otherPassword)).token;
  const secondWidget = await createWidget(server.db.db, {
    organizationId: tenant.organization.id,
    name: 'Second widget',
    allowedOrigins: [SHOP_ORIGIN],
    bot: { enabled: false },
    routing: { strategy: 'manual' },
  });
  const [team] = await server.db.db.insert(teams).values({ organizationId: tenant.organization.id, name: 'Billing' }).returning();
  return { ...tenant, token, other, otherToken, secondWidget, team: team! };
}

interface Seed {
  status?: ConversationSummary['status'];
  assigneeId?: string | null;
  teamId?: string | null;
  widgetId?: string;
  name?: string | null;
  email?: string | null;
  /** Written one after the other through `appendMessage`, the one path every message takes. */
  messages?: Array<{ kind: 'visitor' | 'agent' | 'bot' | 'system'; body: string }>;
  ticket?: boolean;
}

/** A conversation written straight to the database, its messages through the real write path. */
async function seed(tenant: Pick<Tenant, 'organization' | 'widget'>, options: Seed = {}): Promise<string> {
  const { db } = server.db;
  const widgetId = options.widgetId ?? tenant.widget.id;
  const contactId = randomUUID();
  await db.insert(contacts).values({
    id: contactId,
    organizationId: tenant.organization.id,
    widgetId,
    name: options.name === undefined ? 'Visitor' : options.name,
    email: options.email ?? null,
  });
  const [row] = await db
    .insert(conversations)
    .values({
      organizationId: tenant.organization.id,
      widgetId,
      contactId,
      status: options.status ?? 'queued',
      assigneeId: options.assigneeId ?? null,
      teamId: options.teamId ?? null,
    })
    .returning();
  for (const [index, message] of (options.messages ?? [{ kind: 'visitor', body: 'Hello' }]).entries()) {
    await appendMessage(db, {
      conversation: sql`c.id = ${row!.id}`,
      message: { clientId: `seed-${index}`, authorKind: message.kind, authorId: null, body: message.body },
    });
  }
  if (options.ticket) await db.insert(tickets).values({ conversationId: row!.id, organizationId: tenant.organization.id });
  return row!.id;
}

async function list(token: string, query: Record<string, string | number> = {}): Promise<ConversationList> {
  const search = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]));
  const response = await apiRequest(server, `/api/conversations?${search}`, token);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await jsonOf(response)) as ConversationList;
}

async function ids(token: string, query: Record<string, string | number> = {}): Promise<string[]> {
  return (await list(token, { limit: 200, ...query })).conversations.map((conversation) => conversation.id);
}

async function counts(token: string): Promise<InboxCounts> {
  const response = await apiRequest(server, '/api/conversations/counts', token);
  expect(response.status).toBe(200);
  return (await jsonOf(response)) as InboxCounts;
}

async function read(token: string, conversationId: string, seq: number): Promise<Response> {
  return apiRequest(server, `/api/conversations/${conversationId}/read`, token, 'POST', { seq });
}

async function unreadOf(token: string, conversationId: string): Promise<number | undefined> {
  const found = (await list(token, { limit: 200 })).conversations.find((conversation) => conversation.id === conversationId);
  return found?.unreadCount;
}

/** Every page of a listing, following `nextCursor`. */
async function allPages(token: string, query: Record<string, string | number>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: ConversationList = await list(token, { ...query, ...(cursor !== null && { cursor }) });
    pages.push(page.conversations.map((conversation) => conversation.id));
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return pages;
}

const sorted = (values: string[]) => values.toSorted();

describe('inbox views', () => {
  it('lists each view and counts it for the caller; the old status filter still works', async () => {
    const tenant = await organization();
    const me = tenant.user.id;
    const mine = await seed(tenant, { status: 'agent', assigneeId: me });
    const theirs = await seed(tenant, { status: 'agent', assigneeId: tenant.other.id });
    const queued = await seed(tenant, { status: 'queued' });
    const withBot = await seed(tenant, { status: 'bot' });
    const resolved = await seed(tenant, { status: 'resolved' });
    const closed = await seed(tenant, { status: 'closed' });
    const queuedFollowUp = await seed(tenant, { status: 'queued', ticket: true });
    const resolvedFollowUp = await seed(tenant, { status: 'resolved', ticket: true });

    expect(sorted(await ids(tenant.token, { view: 'mine' }))).toEqual([mine]);
    expect(sorted(await ids(tenant.otherToken, { view: 'mine' }))).toEqual([theirs]);
    expect(sorted(await ids(tenant.token, { view: 'unassigned' }))).toEqual(sorted([queued, queuedFollowUp]));
    expect(sorted(await ids(tenant.token, { view: 'open' }))).toEqual(sorted([mine, theirs, queued, withBot, queuedFollowUp]));
    expect(sorted(await ids(tenant.token, { view: 'follow_ups' }))).toEqual([queuedFollowUp]);
    expect(sorted(await ids(tenant.token, { view: 'resolved' }))).toEqual(sorted([resolved, closed, resolvedFollowUp]));
    expect(await ids(tenant.token)).toHaveLength(8);
    expect(sorted(await ids(tenant.token, { status: 'queued' }))).toEqual(sorted([queued, queuedFollowUp]));
    // Conditions add up: a view and a status filter.
    expect(await ids(tenant.token, { view: 'open', status: 'bot' })).toEqual([withBot]);
    expect(await ids(tenant.token, { view: 'resolved', status: 'bot' })).toEqual([]);

    expect(await counts(tenant.token)).toEqual({ mine: 1, unassigned: 2, open: 5, followUps: 1, resolved: 3 });
    expect(await counts(tenant.otherToken)).toEqual({ mine: 1, unassigned: 2, open: 5, followUps: 1, resolved: 3 });

    // Live: the counts follow a change at once (the console refetches them on `conversation:updated`).
    const taken = await apiRequest(server, `/api/conversations/${queued}`, tenant.token, 'PATCH', { assignToMe: true });
    expect(taken.status).toBe(200);
    expect(await counts(tenant.token)).toEqual({ mine: 2, unassigned: 1, open: 5, followUps: 1, resolved: 3 });
  });

  it('filters by team, widget and status', async () => {
    const tenant = await organization();
    const billing = await seed(tenant, { status: 'queued', teamId: tenant.team.id });
    const secondWidget = await seed(tenant, { status: 'queued', widgetId: tenant.secondWidget.id });
    const both = await seed(tenant, {
      status: 'agent',
      assigneeId: tenant.user.id,
      teamId: tenant.team.id,
      widgetId: tenant.secondWidget.id,
    });
    const plain = await seed(tenant, { status: 'queued' });

    expect(sorted(await ids(tenant.token, { teamId: tenant.team.id }))).toEqual(sorted([billing, both]));
    expect(sorted(await ids(tenant.token, { widgetId: tenant.secondWidget.id }))).toEqual(sorted([secondWidget, both]));
    expect(await ids(tenant.token, { widgetId: tenant.secondWidget.id, teamId: tenant.team.id })).toEqual([both]);
    expect(await ids(tenant.token, { widgetId: tenant.secondWidget.id, view: 'unassigned' })).toEqual([secondWidget]);
    expect(sorted(await ids(tenant.token, { widgetId: tenant.widget.id, status: 'queued' }))).toEqual(sorted([billing, plain]));
    const [summary] = (await list(tenant.token, { teamId: tenant.team.id, view: 'mine' })).conversations;
    expect(summary).toMatchObject({ id: both, widgetId: tenant.secondWidget.id, team: { id: tenant.team.id, name: 'Billing' } });
    // A team or widget of another organization is simply no match.
    const stranger = await organization();
    expect(await ids(tenant.token, { teamId: stranger.team.id })).toEqual([]);
    expect(await ids(tenant.token, { widgetId: stranger.widget.id })).toEqual([]);
  });

  it('never shows or counts another organization’s conversations', async () => {
    const tenant = await organization();
    const stranger = await organization();
    await seed(stranger, { status: 'queued', messages: [{ kind: 'visitor', body: 'secret plutonium order' }], email: 'spy@example.org' });
    await seed(stranger, { status: 'agent', assigneeId: stranger.user.id, ticket: true });
    const own = await seed(tenant, { status: 'queued', messages: [{ kind: 'visitor', body: 'plutonium please' }] });

    for (const view of ['mine', 'unassigned', 'open', 'follow_ups', 'resolved', undefined]) {
      const listed = await ids(tenant.token, view ? { view } : {});
      expect(listed.every((id) => id === own)).toBe(true);
    }
    expect(await ids(tenant.token, { q: 'plutonium' })).toEqual([own]);
    expect(await ids(tenant.token, { q: 'spy@example.org' })).toEqual([]);
    expect(await counts(tenant.token)).toEqual({ mine: 0, unassigned: 1, open: 1, followUps: 0, resolved: 0 });
    // Reading another organization's conversation: not found, as if it did not exist.
    const [foreign] = await ids(stranger.token, { view: 'unassigned' });
    const response = await read(tenant.token, foreign!, 1);
    expect(response.status).toBe(404);
    expect((await jsonOf(response)).error.code).toBe('not_found');
  });
});

describe('inbox order and pages', () => {
  it('sorts by waiting time: the oldest unanswered visitor message first, answered conversations after', async () => {
    const tenant = await organization();
    const waitingLongest = await seed(tenant, { messages: [{ kind: 'visitor', body: 'First!' }] });
    const answered = await seed(tenant, {
      status: 'agent',
      assigneeId: tenant.user.id,
      messages: [
        { kind: 'visitor', body: 'Hi' },
        { kind: 'agent', body: 'Hello, how can I help?' },
      ],
    });
    // Answered, then the visitor wrote again twice: waiting since the first of those two.
    const askedAgain = await seed(tenant, {
      status: 'agent',
      assigneeId: tenant.user.id,
      messages: [
        { kind: 'visitor', body: 'Hi' },
        { kind: 'bot', body: 'Hello!' },
        { kind: 'visitor', body: 'One more thing' },
        { kind: 'system', body: 'Someone joined.' },
        { kind: 'visitor', body: 'Are you there?' },
      ],
    });
    const answeredLater = await seed(tenant, { status: 'bot', messages: [{ kind: 'bot', body: 'Welcome' }] });

    const page = await list(tenant.token, { sort: 'waiting', limit: 200 });
    expect(page.conversations.map((conversation) => conversation.id)).toEqual([waitingLongest, askedAgain, answered, answeredLater]);
    const byId = new Map(page.conversations.map((conversation) => [conversation.id, conversation]));
    expect(byId.get(answered)!.waitingSince).toBeNull();
    expect(byId.get(answeredLater)!.waitingSince).toBeNull();
    const again = byId.get(askedAgain)!;
    expect(again.waitingSince).not.toBeNull();
    // Later than the bot's answer, earlier than the last message (the second visitor message after it).
    expect(Date.parse(again.waitingSince!)).toBeLessThan(Date.parse(again.lastMessageAt!));
    expect(Date.parse(again.waitingSince!)).toBeGreaterThan(Date.parse(byId.get(waitingLongest)!.waitingSince!));

    // The recent order: the latest change first.
    expect(await ids(tenant.token)).toEqual([answeredLater, askedAgain, answered, waitingLongest]);

    // An agent's reply ends the wait; the visitor writing again starts a new one.
    await appendMessage(server.db.db, {
      conversation: sql`c.id = ${waitingLongest}`,
      message: { clientId: 'reply', authorKind: 'agent', authorId: tenant.user.id, body: 'Sorry for the wait' },
    });
    expect(await ids(tenant.token, { sort: 'waiting' })).toEqual([askedAgain, answered, answeredLater, waitingLongest]);
  });

  it('returns every conversation exactly once across cursor pages, in either order, with the filters kept', async () => {
    const tenant = await organization();
    const all: string[] = [];
    for (let index = 0; index < 25; index++) {
      const answered = index % 3 === 0;
      all.push(
        await seed(tenant, {
          status: index % 5 === 0 ? 'agent' : 'queued',
          assigneeId: index % 5 === 0 ? tenant.user.id : null,
          messages: answered
            ? [
                { kind: 'visitor', body: `Question ${index}` },
                { kind: 'agent', body: 'Answer' },
              ]
            : [{ kind: 'visitor', body: `Question ${index}` }],
        }),
      );
    }
    // Several conversations with the very same time: the id breaks the tie.
    await server.db.db.execute(sql`update conversations set updated_at = '2030-01-01T00:00:00.123456Z', waiting_since = null
                                    where id in (${sql.join(
                                      all.slice(0, 6).map((id) => sql`${id}::uuid`),
                                      sql`, `,
                                    )})`);

    for (const sort of ['recent', 'waiting']) {
      const pages = await allPages(tenant.token, { sort, limit: 10 });
      expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
      const listed = pages.flat();
      expect(new Set(listed).size).toBe(25);
      expect(sorted(listed)).toEqual(sorted(all));
      // The same order as one page of everything.
      expect(listed).toEqual(await ids(tenant.token, { sort }));
    }
    const unassigned = (await allPages(tenant.token, { view: 'unassigned', sort: 'waiting', limit: 7 })).flat();
    expect(sorted(unassigned)).toEqual(sorted(all.filter((_, index) => index % 5 !== 0)));

    // A cursor of the other order is refused, not misread.
    const { nextCursor } = await list(tenant.token, { sort: 'recent', limit: 10 });
    const response = await apiRequest(server, `/api/conversations?sort=waiting&cursor=${nextCursor}`, tenant.token);
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.code).toBe('invalid_payload');
  });
});

describe('unread counts', () => {
  it('counts visitor messages after the agent’s read, per agent, across sign-ins', async () => {
    const tenant = await organization();
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'u1', body: 'Hello?' }));
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'u2', body: 'Anyone there?' }));
    const id = first.conversationId;
    expect(await unreadOf(tenant.token, id)).toBe(2);

    // Reading up to the last seq leaves nothing unread; the answer says so.
    const [summary] = (await list(tenant.token, { limit: 1 })).conversations;
    const response = await read(tenant.token, id, summary!.lastSeq);
    expect(response.status).toBe(200);
    expect((await jsonOf(response)) as ReadState).toEqual({ conversationId: id, lastReadSeq: summary!.lastSeq, unreadCount: 0 });
    expect(await unreadOf(tenant.token, id)).toBe(0);

    // An agent's message is not unread; a new visitor message is.
    const reply = await apiRequest(server, `/api/conversations/${id}/messages`, tenant.token, 'POST', { clientId: 'a1', body: 'Yes!' });
    expect(reply.status).toBe(200);
    const third = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'u3', body: 'Great, my order…' }));
    expect(await unreadOf(tenant.token, id)).toBe(1);

    // Kept on the server: another sign-in of the same agent (a reload, a second tab) sees the same.
    const again = (await login(server, tenant.email, tenant.password)).token;
    expect(await unreadOf(again, id)).toBe(1);

    // The other agent has read nothing; their reads don't change mine.
    expect(await unreadOf(tenant.otherToken, id)).toBe(3);
    expect((await read(tenant.otherToken, id, third.seq)).status).toBe(200);
    expect(await unreadOf(tenant.otherToken, id)).toBe(0);
    expect(await unreadOf(tenant.token, id)).toBe(1);

    // A read never goes back, and never past the last message.
    expect(((await jsonOf(await read(again, id, 1))) as ReadState).lastReadSeq).toBe(summary!.lastSeq);
    const capped = (await jsonOf(await read(again, id, 2_000_000_000))) as ReadState;
    expect(capped).toEqual({ conversationId: id, lastReadSeq: third.seq, unreadCount: 0 });
    expect(await unreadOf(tenant.token, id)).toBe(0);
  });

  it('leaves unreadCount out of the summaries broadcast to every agent', async () => {
    const tenant = await organization();
    const conversationId = await seed(tenant, { status: 'queued' });
    const response = await apiRequest(server, `/api/conversations/${conversationId}`, tenant.token, 'PATCH', { assignToMe: true });
    const summary = (await jsonOf(response)) as ConversationSummary;
    expect(summary.id).toBe(conversationId);
    expect('unreadCount' in summary).toBe(false);
  });

  it('refuses a read without a valid seq or conversation id', async () => {
    const tenant = await organization();
    const conversationId = await seed(tenant);
    for (const body of [{}, { seq: -1 }, { seq: 1.5 }, { seq: '3' }, { seq: 2 ** 31 }]) {
      const response = await apiRequest(server, `/api/conversations/${conversationId}/read`, tenant.token, 'POST', body);
      expect(response.status).toBe(400);
    }
    expect((await read(tenant.token, 'not-a-uuid', 1)).status).toBe(400);
    expect((await read(tenant.token, randomUUID(), 1)).status).toBe(404);
  });
});

describe('inbox search', () => {
  it('finds conversations by a word of a message and by the contact, never by system lines', async () => {
    const tenant = await organization();
    const byMessage = await seed(tenant, {
      name: 'Grace Hopper',
      messages: [
        { kind: 'visitor', body: 'I would like a refund for my broken kettle.' },
        { kind: 'agent', body: 'Of course, I will start it now.' },
      ],
    });
    const byEmail = await seed(tenant, { name: null, email: 'zelda.fitzgerald@example.org', messages: [{ kind: 'visitor', body: 'Hi' }] });
    const bySystem = await seed(tenant, {
      messages: [
        { kind: 'visitor', body: 'Hi' },
        { kind: 'system', body: 'You are number 1 in the zeppelin queue.' },
      ],
    });

    expect(await ids(tenant.token, { q: 'refund' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'REFUND kettle' })).toEqual([byMessage]);
    // Stemmed with the organization's language (english): the plural finds the singular.
    expect(await ids(tenant.token, { q: 'refunds' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'refund toaster' })).toEqual([]);
    expect(await ids(tenant.token, { q: 'start' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'zelda.fitzgerald@example.org' })).toEqual([byEmail]);
    expect(await ids(tenant.token, { q: 'Zelda.Fitz' })).toEqual([byEmail]);
    expect(await ids(tenant.token, { q: 'example.org' })).toEqual([]);
    expect(await ids(tenant.token, { q: 'grace hop' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'Hopper' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'hopper grace' })).toEqual([byMessage]);
    expect(await ids(tenant.token, { q: 'zeppelin' })).toEqual([]);
    expect(await ids(tenant.token, { q: '%' })).toEqual([]);
    expect(await ids(tenant.token, { q: '_' })).toEqual([]);
    // Search keeps the view and the filters.
    expect(await ids(tenant.token, { q: 'refund', view: 'resolved' })).toEqual([]);
    expect(await ids(tenant.token, { q: 'refund', view: 'unassigned', sort: 'waiting' })).toEqual([byMessage]);
    // A blank search is no search.
    expect(sorted(await ids(tenant.token, { q: '   ' }))).toEqual(sorted([byMessage, byEmail, bySystem]));
  });

  it('finds the same pages whether the walk or the indexes find them', async () => {
    const tenant = await organization();
    const expected: string[] = [];
    for (let index = 0; index < 12; index++) {
      const kettle = index % 3 === 0;
      const id = await seed(tenant, {
        email: index === 4 ? 'kettle.fan@example.org' : null,
        messages: [{ kind: 'visitor', body: kettle ? `My kettle number ${index} leaks` : `Question ${index}` }],
      });
      if (kettle || index === 4) expected.unshift(id);
    }
    const reader = { userId: tenant.user.id, organizationId: tenant.organization.id };
    for (const searchWalk of [0, 1, 5, 400]) {
      for (const sort of ['recent', 'waiting'] as const) {
        const pages: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listInbox(server.db.db, reader, { q: 'kettle', sort, limit: 2, ...(cursor && { cursor }) }, { searchWalk });
          pages.push(...page.conversations.map((conversation) => conversation.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(pages, `walk ${searchWalk}, ${sort}`).toEqual(sort === 'recent' ? expected : expected.toReversed());
      }
    }
  });

  it('answers every naughty string as q, view or cursor with a list or invalid_payload', async () => {
    const tenant = await organization();
    const naughty = naughtyStrings();
    // Some of them stored as messages, so that the search has something to match.
    await seed(tenant, {
      messages: naughty
        .filter((text) => text.trim() !== '')
        .slice(0, 60)
        .map((body) => ({ kind: 'visitor', body })),
    });
    const outcomes = new Map<string, number>();
    for (const text of naughty) {
      for (const key of ['q', 'view', 'cursor', 'teamId']) {
        const response = await apiRequest(server, `/api/conversations?${new URLSearchParams({ [key]: text })}`, tenant.token);
        const outcome = `${key}:${response.status}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        const body = await jsonOf(response);
        if (response.status === 200) expect(Array.isArray(body.conversations)).toBe(true);
        else {
          expect(response.status, `${key}=${JSON.stringify(text)}`).toBe(400);
          expect(body.error.code).toBe('invalid_payload');
        }
      }
    }
    // Most strings are searches that run.
    expect(outcomes.get('q:200')).toBeGreaterThan(naughty.length - 40);
  }, 180_000);
});
