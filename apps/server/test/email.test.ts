import { randomUUID } from 'node:crypto';
import { contacts, conversations, jobs } from '@parley/db';
import type { Ack, ConversationSeenAck, Message, MessageSent, Session, TranscriptRequestAck } from '@parley/protocol';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPLY_EMAIL_JOB, TRANSCRIPT_EMAIL_JOB } from '../src/handoff/email.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import {
  apiRequest,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  ok,
  request,
  startServer,
  waitUntil,
  type TestServer,
} from './helpers/server.js';
import { smtpUrl, startSmtpReceiver, type SmtpReceiver } from './helpers/smtp-receiver.js';

// E-mail to a visitor who left: an agent's reply they haven't seen, the transcript on request, each with a link back
// to the conversation; delivered to a real SMTP server started here.
const PUBLIC_URL = 'https://chat.example.test';

let receiver: SmtpReceiver;
let server: TestServer;
let withoutEmail: TestServer;
beforeAll(async () => {
  receiver = await startSmtpReceiver();
  server = await startServer({
    PARLEY_SMTP_URL: smtpUrl(receiver.port),
    PARLEY_SMTP_FROM: 'Support <support@shop.example>',
    PARLEY_PUBLIC_URL: PUBLIC_URL,
    PARLEY_REPLY_EMAIL_DELAY_SECONDS: '0',
  });
  withoutEmail = await startServer();
});
afterAll(async () => {
  await server?.close();
  await withoutEmail?.close();
  await receiver?.close();
});

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  receiver.received.length = 0;
});

/** This file's organizations: its polls claim only their jobs, never another suite's on a shared database. */
const organizationIds: string[] = [];

async function tenantOf(target: TestServer) {
  const tenant = await createTenant(target);
  organizationIds.push(tenant.organization.id);
  return tenant;
}

/** A visitor who wrote and left their e-mail address, and the tenant's agent's token. */
async function visitorWhoLeft(target: TestServer = server) {
  const tenant = await tenantOf(target);
  const { token } = await login(target, tenant.email, tenant.password);
  const visitor = await connectVisitor(target, { widgetKey: tenant.widget.publicKey });
  sockets.push(visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Where is my order?' }));
  ok(await request<Ack<Message>>(visitor, 'contact:update', { email: 'ada@example.com' }));
  return { tenant, token, visitor, conversationId: sent.conversationId };
}

/**
 * An agent's reply through the REST API. With e-mail set up, it returns once the reply e-mail's job is scheduled:
 * that happens just after the reply's commit, and a poll before it would find nothing due.
 */
async function reply(target: TestServer, token: string, conversationId: string, body: string): Promise<MessageSent> {
  const sent = (await jsonOf(
    await apiRequest(target, `/api/conversations/${conversationId}/messages`, token, 'POST', { clientId: randomUUID(), body }),
  )) as MessageSent;
  if (target.app.mailer.enabled) {
    await waitUntil(async () => {
      const [job] = await target.db.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.kind, REPLY_EMAIL_JOB), eq(jobs.key, conversationId), isNull(jobs.doneAt)));
      return job !== undefined;
    }, 'the reply e-mail scheduled');
  }
  return sent;
}

/** Runs due jobs until none is due. */
async function runJobs(target: TestServer = server): Promise<void> {
  while ((await target.app.jobs.runDue({ organizationIds })) > 0);
}

describe('reply e-mail', () => {
  it('sends the agent’s unseen replies once, in one e-mail, with a link that resumes the visitor’s session', async () => {
    const { tenant, token, visitor, conversationId } = await visitorWhoLeft();
    await reply(server, token, conversationId, 'It left our warehouse this morning.');
    await reply(server, token, conversationId, 'Tracking: <b>ZX-1042</b>');
    await runJobs();
    await runJobs();

    expect(receiver.received).toHaveLength(1);
    const [{ envelope, mail }] = receiver.received as [SmtpReceiver['received'][number]];
    expect(envelope.to).toEqual(['ada@example.com']);
    expect(await jsonOf(await apiRequest(server, '/api/me', token))).toMatchObject({ email: true });
    expect(mail.subject).toBe(`You have a new reply from ${tenant.user.name} at ${tenant.organization.name}`);
    expect(mail.text).toContain('It left our warehouse this morning.');
    expect(mail.text).toContain('Tracking: <b>ZX-1042</b>');
    // Text in the HTML part is escaped, never markup.
    expect(mail.html).toContain('Tracking: &lt;b&gt;ZX-1042&lt;/b&gt;');
    const link = /https:\/\/chat\.example\.test\/chat\/([\w-]+)#resume=([^\s"<>]+)/.exec(mail.text ?? '');
    expect(link?.[1]).toBe(tenant.widget.publicKey);

    // The link's page is on Parley's own origin, which every widget accepts, and the token is this visitor's.
    const before = ok(await request<Ack<Session>>(visitor, 'session:get'));
    const resumed = await connectVisitor(
      server,
      { widgetKey: tenant.widget.publicKey, sessionToken: decodeURIComponent(link![2]!) },
      PUBLIC_URL,
    );
    sockets.push(resumed);
    const session = ok(await request<Ack<Session>>(resumed, 'session:get'));
    expect(session).toMatchObject({ visitorId: before.visitorId, conversation: { id: conversationId }, email: true });

    // A later reply is a new e-mail, with that reply alone.
    await reply(server, token, conversationId, 'Anything else?');
    await runJobs();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.mail.text).toContain('Anything else?');
    expect(receiver.received[1]!.mail.text).not.toContain('warehouse');
  });

  it('does not e-mail a reply the visitor saw in the widget, and counts nothing seen beyond the last message', async () => {
    const { token, visitor, conversationId } = await visitorWhoLeft();
    const answer = await reply(server, token, conversationId, 'Seen live.');
    const seen = ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: answer.seq + 1000 }));
    expect(seen.seenSeq).toBe(answer.seq);
    // Never backwards.
    expect(ok(await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', { seq: 1 })).seenSeq).toBe(answer.seq);
    await runJobs();
    expect(receiver.received).toEqual([]);
    for (const payload of [{}, { seq: -1 }, { seq: 'x' }, { seq: 1.5 }, null]) {
      const refused = await request<Ack<ConversationSeenAck>>(visitor, 'conversation:seen', payload);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
  });

  it('sends nothing to a visitor without an address', async () => {
    const tenant = await tenantOf(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Hello?' }));
    await reply(server, token, sent.conversationId, 'Hi!');
    await runJobs();
    expect(receiver.received).toEqual([]);
  });
});

describe('transcript', () => {
  it('goes to the address given, which is stored on the contact, with every message of the conversation', async () => {
    const { token, visitor, conversationId } = await visitorWhoLeft();
    await reply(server, token, conversationId, 'It left our warehouse this morning.');
    await runJobs();
    const asked = ok(await request<Ack<TranscriptRequestAck>>(visitor, 'transcript:request', { email: 'Grace@Example.com' }));
    expect(asked).toEqual({ email: 'grace@example.com' });
    await runJobs();
    const transcript = receiver.received.find(({ mail }) => mail.subject?.startsWith('Transcript'));
    expect(transcript?.envelope.to).toEqual(['grace@example.com']);
    expect(transcript?.mail.subject).toMatch(/^Transcript of your conversation with /);
    expect(transcript?.mail.text).toContain('Where is my order?');
    expect(transcript?.mail.text).toContain('It left our warehouse this morning.');
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
    const [contact] = await server.db.db.select().from(contacts).where(eq(contacts.id, conversation!.contactId));
    expect(contact!.email).toBe('grace@example.com');
    // Without an address now, the stored one.
    expect(ok(await request<Ack<TranscriptRequestAck>>(visitor, 'transcript:request', {}))).toEqual({ email: 'grace@example.com' });
  });

  it('answers bad addresses with typed errors, needs a conversation and an address, and is limited', async () => {
    const tenant = await tenantOf(server);
    const stranger = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(stranger);
    expect(await request(stranger, 'transcript:request', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ok(await request<Ack<MessageSent>>(stranger, 'message:send', { clientId: randomUUID(), body: 'Hi' }));
    expect(await request(stranger, 'transcript:request', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload', issues: [{ path: 'email' }] },
    });

    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      const answer = await request<Ack<TranscriptRequestAck>>(stranger, 'transcript:request', { email: value });
      if (!answer.ok) codes.add(answer.error.code);
    }
    // Every naughty string is refused as an address; a few valid ones use up the hourly budget.
    expect([...codes].filter((code) => code !== 'rate_limited')).toEqual(['invalid_payload']);
    for (let index = 0; index < 4; index += 1) await request(stranger, 'transcript:request', { email: 'ada@example.com' });
    expect(await request(stranger, 'transcript:request', { email: 'ada@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'rate_limited' },
    });
  });
});

describe('without SMTP', () => {
  it('tells the widget and the console that nobody is e-mailed, and refuses a transcript plainly', async () => {
    const { tenant, token, visitor, conversationId } = await visitorWhoLeft(withoutEmail);
    expect(ok(await request<Ack<Session>>(visitor, 'session:get')).email).toBe(false);
    expect(await request(visitor, 'transcript:request', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: 'This site does not send e-mail.' },
    });
    expect(await jsonOf(await apiRequest(withoutEmail, '/api/me', token))).toMatchObject({ agent: { id: tenant.user.id }, email: false });
    await reply(withoutEmail, token, conversationId, 'Nobody will mail this.');
    const mailJobs = await withoutEmail.db.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.key, conversationId), inArray(jobs.kind, [REPLY_EMAIL_JOB, TRANSCRIPT_EMAIL_JOB])));
    expect(mailJobs).toEqual([]);
  });
});

describe('the hosted conversation page', () => {
  it('serves the widget opened, for any widget key that exists, under a policy that runs only its own scripts', async () => {
    const tenant = await tenantOf(server);
    const page = await fetch(`${server.url}/chat/${tenant.widget.publicKey}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain(`<script src="/chat-page.js" data-widget-key="${tenant.widget.publicKey}"></script>`);
    expect(html).toContain(`<script async src="/widget.js" data-widget-key="${tenant.widget.publicKey}"></script>`);
    expect(html).toContain('<title>Chat with us</title>');

    const script = await fetch(`${server.url}/chat-page.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("'parley:' + key + ':session'");

    expect((await fetch(`${server.url}/chat/pk_does_not_exist`)).status).toBe(404);
    expect((await fetch(`${server.url}/chat/${encodeURIComponent('<script>')}`)).status).toBe(400);
  });

  it('opens a session from Parley’s own origin, and still refuses other origins', async () => {
    const tenant = await tenantOf(server);
    sockets.push(await connectVisitor(server, { widgetKey: tenant.widget.publicKey }, PUBLIC_URL));
    await expect(connectVisitor(server, { widgetKey: tenant.widget.publicKey }, 'https://evil.example')).rejects.toThrow();
    await expect(
      connectVisitor(withoutEmail, { widgetKey: (await tenantOf(withoutEmail)).widget.publicKey }, PUBLIC_URL),
    ).rejects.toThrow();
  });
});
