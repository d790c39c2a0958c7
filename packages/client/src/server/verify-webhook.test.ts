import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookSignatureError } from './verify-webhook.js';

const secret = 'whsec_test-secret';
const body = JSON.stringify({
  id: '7',
  type: 'message.created',
  organizationId: 'org',
  createdAt: '2026-11-29T12:00:00.000Z',
  data: { a: 1 },
});
const now = new Date('2026-11-29T12:00:10Z');
const signedAt = Math.floor(now.getTime() / 1000) - 10;

/** The header as the server writes it (apps/server/src/webhooks/signature.ts), with node:crypto. */
function header(secrets: string[], timestamp = signedAt, signed = body): string {
  return [`t=${timestamp}`, ...secrets.map((key) => `v1=${createHmac('sha256', key).update(`${timestamp}.${signed}`).digest('hex')}`)].join(
    ',',
  );
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WebhookSignatureError);
  return (error as WebhookSignatureError).reason;
}

describe('verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', async () => {
    const event = await verifyWebhook({ body, signature: header([secret]), secret, now });
    expect(event).toEqual({
      id: '7',
      type: 'message.created',
      organizationId: 'org',
      createdAt: '2026-11-29T12:00:00.000Z',
      data: { a: 1 },
    });
  });

  it('accepts either secret during a rotation, whichever signature comes first', async () => {
    const rotated = header(['whsec_new', secret]);
    await expect(verifyWebhook({ body, signature: rotated, secret, now })).resolves.toMatchObject({ id: '7' });
    await expect(verifyWebhook({ body, signature: rotated, secret: ['whsec_new'], now })).resolves.toMatchObject({ id: '7' });
  });

  it('refuses a missing or malformed header, another secret, a changed body, and an old delivery', async () => {
    expect(await reason(verifyWebhook({ body, signature: undefined, secret, now }))).toBe('missing');
    expect(await reason(verifyWebhook({ body, signature: 'v1=abc', secret, now }))).toBe('malformed');
    expect(await reason(verifyWebhook({ body, signature: `t=${signedAt}`, secret, now }))).toBe('malformed');
    expect(await reason(verifyWebhook({ body, signature: header(['whsec_other']), secret, now }))).toBe('mismatch');
    expect(await reason(verifyWebhook({ body: body.replace('"a":1', '"a":2'), signature: header([secret]), secret, now }))).toBe(
      'mismatch',
    );
    // Signed with the old timestamp but sent again now: a replay, refused after the tolerance.
    expect(await reason(verifyWebhook({ body, signature: header([secret], signedAt - 600), secret, now }))).toBe('expired');
    expect(await reason(verifyWebhook({ body, signature: header([secret], signedAt + 600), secret, now }))).toBe('expired');
    await expect(
      verifyWebhook({ body, signature: header([secret], signedAt - 600), secret, now, toleranceSeconds: 900 }),
    ).resolves.toBeTruthy();
  });

  it('accepts an event type newer than the SDK, and says when no secret was given', async () => {
    const newer = body.replace('message.created', 'conversation.snoozed');
    await expect(verifyWebhook({ body: newer, signature: header([secret], signedAt, newer), secret, now })).resolves.toMatchObject({
      type: 'conversation.snoozed',
    });
    const unset = process.env.PARLEY_TEST_UNSET_SECRET as string;
    await expect(verifyWebhook({ body, signature: header([secret]), secret: unset, now })).rejects.toThrow(
      /needs the subscription's secret/,
    );
  });

  it('refuses a correctly signed body that is not an event', async () => {
    expect(await reason(verifyWebhook({ body: 'hello', signature: header([secret], signedAt, 'hello'), secret, now }))).toBe(
      'invalid_body',
    );
    expect(await reason(verifyWebhook({ body: '{"id":1}', signature: header([secret], signedAt, '{"id":1}'), secret, now }))).toBe(
      'invalid_body',
    );
  });
});
