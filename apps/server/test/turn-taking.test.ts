import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Ack, Message, MessageSent, WidgetAdmin, WidgetAdminList } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectVisitor,
  createTenant,
  createTenantWithAdmin,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useServerWithClaude,
} from './helpers/server.js';

// Turn-taking: visitors write a burst of short messages; the bot waits for their pause, longer while they type, never
// past the longest wait, and answers the burst in one turn (Claude mocked at the HTTP layer).
// Wide enough that socket round trips on a loaded machine stay well inside the pause (the messages of a burst below
// are 50 ms apart), short enough to keep the suite quick.
const PAUSE_MS = 1500;
const MAX_WAIT_MS = 4000;
const { server, anthropic } = useServerWithClaude({
  PARLEY_BOT_MAX_RETRIES: '0',
  PARLEY_BOT_TIMEOUT_MS: '5000',
  PARLEY_BOT_REPLY_PAUSE_MS: String(PAUSE_MS),
  PARLEY_BOT_REPLY_MAX_WAIT_MS: String(MAX_WAIT_MS),
});

/** A visitor of a new widget whose bot is on, with what the tests do as them. */
async function botVisitor() {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
  const send = async (body: string) => ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
  const typing = (value: boolean) => request(visitor, 'typing:set', { typing: value });
  const botReply = () => nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  return { tenant, visitor, send, typing, botReply };
}

/** Everything the model was sent, as text: the visitor's words are in it once they were asked about. */
const sentToModel = () => JSON.stringify(anthropic.requests.map((body) => body.messages));

describe('turn-taking', () => {
  it('answers a burst of short messages once, after the visitor pauses, with all of them', async () => {
    anthropic.reply({ text: ['Sure, order 1001 ships tomorrow.'] });
    const { visitor, send, botReply } = await botVisitor();
    const reply = botReply();
    await send('hi');
    await sleep(50);
    await send('my order');
    await sleep(50);
    const lastSentAt = Date.now();
    await send('number 1001, when does it ship?');
    await reply;
    const repliedAfter = Date.now() - lastSentAt;
    await server.app.bot.idle();

    expect(anthropic.requests).toHaveLength(1);
    for (const words of ['hi', 'my order', 'number 1001, when does it ship?']) expect(sentToModel()).toContain(words);
    // Not before the pause that followed the last message.
    expect(repliedAfter).toBeGreaterThanOrEqual(PAUSE_MS - 50);
    visitor.close();
  });

  it('waits while the visitor types, and answers their next message with the first', async () => {
    anthropic.reply({ text: ['Both noted.'] });
    const { visitor, send, typing, botReply } = await botVisitor();
    const reply = botReply();
    await send('one more thing');
    await typing(true);
    // Twice the pause, still typing: no turn yet.
    await sleep(PAUSE_MS * 2);
    expect(anthropic.requests).toHaveLength(0);
    await typing(false);
    await send('can I change the address?');
    await reply;
    await server.app.bot.idle();
    expect(anthropic.requests).toHaveLength(1);
    expect(sentToModel()).toContain('one more thing');
    expect(sentToModel()).toContain('can I change the address?');
    visitor.close();
  });

  it('answers by the longest wait however long the visitor keeps typing', async () => {
    anthropic.reply({ text: ['Here is what I know so far.'] });
    const { visitor, send, typing, botReply } = await botVisitor();
    const reply = botReply();
    const sentAt = Date.now();
    await send('is the tent waterproof');
    const state = { answered: false };
    void reply.then(() => (state.answered = true));
    // Typing repeated as the client repeats it, past the longest wait.
    while (!state.answered && Date.now() - sentAt < MAX_WAIT_MS * 2) {
      await typing(true);
      await sleep(400);
    }
    expect(state.answered).toBe(true);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(MAX_WAIT_MS - 50);
    visitor.close();
  });

  it('drops the waiting turn when a person takes the conversation over', async () => {
    // A long pause of the widget's own: without the takeover ending the wait, idle() would take ten seconds.
    const tenant = await createTenant(server, { bot: { enabled: true, turnTaking: { pauseMs: 10_000, maxWaitMs: 15_000 } } });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const { token } = await login(server, tenant.email, tenant.password);
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'I want a refund' }));
    const taken = await apiRequest(server, `/api/conversations/${sent.conversationId}`, token, 'PATCH', { assignToMe: true });
    expect(taken.status).toBe(200);
    const waitedFrom = Date.now();
    await server.app.bot.idle();
    expect(Date.now() - waitedFrom).toBeLessThan(5000);
    expect(anthropic.requests).toHaveLength(0);
    visitor.close();
  });

  it('follows the widget’s own timing, which admins read and change (0: at once)', async () => {
    const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
    const listed = (await jsonOf(await apiRequest(server, '/api/widgets', tenant.adminToken))) as WidgetAdminList;
    // Without its own, a widget shows the server's.
    expect(listed.widgets[0]!.bot.turnTaking).toEqual({ pauseMs: PAUSE_MS, maxWaitMs: MAX_WAIT_MS });
    const changed = await apiRequest(server, `/api/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', {
      bot: { turnTaking: { pauseMs: 0 } },
    });
    expect(changed.status).toBe(200);
    expect(((await jsonOf(changed)) as WidgetAdmin).bot.turnTaking).toEqual({ pauseMs: 0, maxWaitMs: MAX_WAIT_MS });
    const refused = await apiRequest(server, `/api/widgets/${tenant.widget.id}`, tenant.adminToken, 'PATCH', {
      bot: { turnTaking: { pauseMs: 60_000 } },
    });
    expect(refused.status).toBe(400);

    anthropic.reply({ text: ['Right away.'] }, { text: ['And again.'] });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const first = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sentAt = Date.now();
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'hello' }));
    await first;
    // Not after the server's pause: the widget's 0 answered at once.
    expect(Date.now() - sentAt).toBeLessThan(PAUSE_MS);
    // At once: the next message is a turn of its own.
    const second = nextEvent<Message>(
      visitor,
      'message:created',
      (message) => message.author.kind === 'bot' && message.body === 'And again.',
    );
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'hello again' }));
    await second;
    expect(anthropic.requests).toHaveLength(2);
    visitor.close();
  });
});
