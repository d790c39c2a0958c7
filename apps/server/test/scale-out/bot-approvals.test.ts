import { randomUUID } from 'node:crypto';
import type { Ack, Message, MessageSent, PendingAction } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAnthropic } from '../helpers/anthropic.js';
import { loopbackServer } from '../helpers/loopback-server.js';
import {
  apiRequest,
  connectAgent,
  connectVisitor,
  createTenantWithAdmin,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useTwoProcesses,
} from '../helpers/server.js';

// A call waiting for an agent's approval, on two processes joined by Redis: the turn pauses on one, the agent decides
// on the other, the call runs once and the visitor (on the first) reads the bot's answer. Claude is mocked with msw (both
// processes run in this test's process); the shop is a real HTTP server on loopback.
const anthropic = mockAnthropic();
beforeAll(() => anthropic.listen());
afterAll(() => anthropic.close());
const { first, second } = useTwoProcesses({
  ANTHROPIC_API_KEY: 'sk-ant-test',
  PARLEY_BOT_MAX_RETRIES: '0',
  PARLEY_OUTBOUND_ALLOW: 'loopback',
});

let refunds = 0;
const shop = loopbackServer((req, res) => {
  req.resume();
  req.on('end', () => {
    refunds++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"refunded":true}');
  });
});
beforeAll(() => shop.listen());
afterAll(() => shop.close());

/** A tenant whose bot may refund after an agent approves; a visitor on the first process whose refund waits. */
async function pausedRefund() {
  const tenant = await createTenantWithAdmin(first, { bot: { enabled: true } });
  const created = await apiRequest(first, '/api/bot/actions', tenant.adminToken, 'POST', {
    name: 'refund_order',
    description: 'Refunds an order.',
    method: 'POST',
    url: `${shop.origin}/api/orders/{{order_number}}/refund`,
    inputSchema: { type: 'object', properties: { order_number: { type: 'string' } }, required: ['order_number'] },
    policy: 'approve',
  });
  expect(created.status).toBe(201);
  const visitor = await connectVisitor(first, { widgetKey: tenant.widget.publicKey });
  anthropic.reply({ toolUse: { id: `toolu_${randomUUID().slice(0, 8)}`, name: 'refund_order', input: { order_number: '1001' } } });
  const card = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
  ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Refund order 1001, please' }));
  const action = (await card).action!;
  await first.app.bot.idle();
  return { tenant, visitor, action };
}

describe('an approval across two processes', () => {
  it('pauses on one process, is approved on the other, runs once, and the visitor reads the answer', async () => {
    const { tenant, visitor, action } = await pausedRefund();
    refunds = 0;
    const { token } = await login(second, tenant.email, tenant.password);
    const console = await connectAgent(second, token);
    anthropic.reply({ text: ['Your refund is done.'] });
    const answer = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const announced = nextEvent<PendingAction>(console, 'pending-action:updated', (updated) => updated.status === 'approved');
    const decided = await apiRequest(second, `/api/pending-actions/${action.id}/decision`, token, 'POST', { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect((await answer).body).toBe('Your refund is done.');
    expect((await announced).id).toBe(action.id);
    await Promise.all([first.app.bot.idle(), second.app.bot.idle()]);
    // Both processes sweep for work; neither runs it again.
    await Promise.all([first.app.bot.resumeStranded(), second.app.bot.resumeStranded()]);
    await Promise.all([first.app.bot.idle(), second.app.bot.idle()]);
    expect(refunds).toBe(1);
    visitor.close();
    console.close();
  });

  it('takes one decision when two agents decide at once on both processes', async () => {
    const { tenant, visitor, action } = await pausedRefund();
    refunds = 0;
    anthropic.reply({ text: ['Done.'] }, { text: ['Done again?'] });
    const { token: agentOnSecond } = await login(second, tenant.email, tenant.password);
    const responses = await Promise.all([
      apiRequest(first, `/api/pending-actions/${action.id}/decision`, tenant.adminToken, 'POST', { decision: 'reject' }),
      apiRequest(second, `/api/pending-actions/${action.id}/decision`, agentOnSecond, 'POST', { decision: 'approve' }),
    ]);
    expect(responses.map((response) => response.status).toSorted()).toEqual([200, 409]);
    const winner = (await jsonOf(responses.find((response) => response.status === 200)!)) as PendingAction;
    await Promise.all([first.app.bot.idle(), second.app.bot.idle()]);
    // One resumed turn: the winner's decision, acted on once.
    expect(anthropic.queue).toHaveLength(1);
    expect(refunds).toBe(winner.status === 'approved' ? 1 : 0);
    anthropic.queue.length = 0;
    visitor.close();
  });
});
