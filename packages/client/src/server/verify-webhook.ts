import { webhookEventSchema, type WebhookEvent, type WebhookEventType } from '@parley/protocol';

/** Why a delivery was refused. */
export type WebhookSignatureFailure = 'missing' | 'malformed' | 'expired' | 'mismatch' | 'invalid_body';

/** A delivery that is not Parley's, is too old (a replay), or whose body is not an event. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  /** Why, for the receiver's logs; answer 400 (or 401) whatever it is. */
  readonly reason: WebhookSignatureFailure;

  constructor(reason: WebhookSignatureFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The request's body exactly as received (not parsed and serialized again: the signature covers its bytes). */
  body: string;
  /** The `Parley-Signature` header. */
  signature: string | null | undefined;
  /** The subscription's secret (`whsec_…`); during a rotation both, so deliveries signed with either pass. */
  secret: string | readonly string[];
  /** How old a delivery may be, in seconds; older ones are refused as replays. Default 300 (5 minutes). */
  toleranceSeconds?: number;
  /** The current time; by default the clock's. */
  now?: Date;
}

/**
 * A verified event. Its `type` is one this SDK knows, or one a newer Parley server added since: a receiver should
 * ignore types it doesn't handle rather than fail.
 */
export type VerifiedWebhookEvent = Omit<WebhookEvent, 'type'> & { type: WebhookEventType | (string & {}) };

// Any type: a server newer than this SDK may send events it doesn't know, signed and valid all the same.
const eventWithoutTypeSchema = webhookEventSchema.omit({ type: true });

const encoder = new TextEncoder();

async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares without stopping at the first difference, so timing reveals nothing of the expected value. */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * Checks that a webhook delivery comes from Parley and is recent, then returns its event. Throws a
 * {@link WebhookSignatureError} otherwise. Runs wherever Web Crypto does (Node 20+, Deno, Bun, edge runtimes).
 *
 * @example
 * ```ts
 * import { verifyWebhook } from '@parley/client/server'
 *
 * app.post('/parley', express.text({ type: 'application/json' }), async (req, res) => {
 *   try {
 *     const event = await verifyWebhook({ body: req.body, signature: req.get('parley-signature'), secret: process.env.PARLEY_WEBHOOK_SECRET! })
 *     if (event.type === 'message.created') console.log(event.data)
 *     res.sendStatus(204)
 *   } catch {
 *     res.sendStatus(400)
 *   }
 * })
 * ```
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<VerifiedWebhookEvent> {
  const { body, signature } = options;
  const secrets = typeof options.secret === 'string' ? [options.secret] : (options.secret ?? []);
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret.length === 0)) {
    throw new TypeError("verifyWebhook needs the subscription's secret (is its environment variable set?).");
  }
  if (!signature) throw new WebhookSignatureError('missing', 'The request has no Parley-Signature header.');
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of signature.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookSignatureError('malformed', 'The Parley-Signature header is not `t=<seconds>,v1=<hex>`.');
  }
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookSignatureError(
      'expired',
      `The delivery was signed ${nowSeconds - timestamp} s ago, more than the ${tolerance} s allowed.`,
    );
  }
  const expected = await Promise.all(secrets.map((secret) => hmacHex(secret, `${timestamp}.${body}`)));
  if (!expected.some((mac) => signatures.some((candidate) => equalInConstantTime(mac, candidate)))) {
    throw new WebhookSignatureError('mismatch', 'No signature matches the body with the given secret.');
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookSignatureError('invalid_body', 'The body is not JSON.');
  }
  const event = eventWithoutTypeSchema.safeParse(json);
  const type = (json as { type?: unknown } | null)?.type;
  if (!event.success || typeof type !== 'string') throw new WebhookSignatureError('invalid_body', 'The body is not a Parley event.');
  return { ...event.data, type };
}
