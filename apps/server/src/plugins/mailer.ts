import { ParleyError } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createTransport, type NodemailerError } from 'nodemailer';

/** One e-mail to one recipient. The From address is `PARLEY_SMTP_FROM`. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

/** Sends Parley's e-mails through `PARLEY_SMTP_URL`. */
export interface Mailer {
  /** False without SMTP settings: then {@link Mailer.send} throws. */
  enabled: boolean;
  /**
   * Hands the message to the SMTP server and resolves with its Message-ID once the server accepted it. Throws a
   * `ParleyError` (`unavailable`) when e-mail is not configured, a {@link MailSendError} when the server or the
   * connection fails.
   */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Outgoing e-mail; `mailer.enabled` is false without `PARLEY_SMTP_URL`. */
    mailer: Mailer;
  }
}

/**
 * A failed send: the SMTP server's reply or the connection error, never the password. Not a `ParleyError`: the reason
 * is for the log (a route that lets it through answers `internal_error`), not for the visitor or agent.
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  /** Nodemailer's code: `EAUTH`, `ECONNECTION`, `ETIMEDOUT`, `EENVELOPE`, `EMESSAGE`, … */
  readonly code: string | undefined;
  /** The SMTP reply code, when the server answered (535: bad credentials, 550: mailbox refused, …). */
  readonly responseCode: number | undefined;
  /** True when the server refused the message for good (5xx): sending it again will not help. */
  readonly permanent: boolean;

  constructor(message: string, details: { code?: string | undefined; responseCode?: number | undefined; permanent?: boolean | undefined }) {
    super(message);
    this.code = details.code;
    this.responseCode = details.responseCode;
    this.permanent = details.permanent ?? false;
  }
}

// A slow or silent SMTP server should fail a send in seconds, not nodemailer's minutes.
const CONNECTION_TIMEOUT_MS = 10_000;
const GREETING_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 60_000;

/**
 * Decorates the app with `mailer`: one pooled SMTP transport for `config.smtp`, closed with the app. Without SMTP
 * settings the mailer is disabled and nothing connects anywhere.
 */
export const mailerPlugin = fp(
  async function registerMailer(app: FastifyInstance) {
    const settings = app.config.smtp;
    if (!settings) {
      app.decorate('mailer', {
        enabled: false,
        async send(): Promise<{ messageId: string }> {
          throw new ParleyError('unavailable', 'E-mail is not configured on this server (PARLEY_SMTP_URL is not set).');
        },
      } satisfies Mailer);
      return;
    }

    const transport = createTransport({
      url: settings.url,
      pool: true,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
    const secrets = secretsOf(settings.url);
    // Failed sends reject their own promise; an 'error' event without a listener would end the process instead.
    transport.on('error', (error) => app.log.warn({ err: sendError(error, secrets) }, 'e-mail transport error'));
    app.addHook('onClose', async () => {
      transport.close();
    });

    app.decorate('mailer', {
      enabled: true,
      async send(mail: OutgoingMail): Promise<{ messageId: string }> {
        try {
          const info = await transport.sendMail({
            from: settings.from,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            headers: mail.headers,
          });
          return { messageId: info.messageId };
        } catch (error) {
          throw sendError(error, secrets);
        }
      },
    } satisfies Mailer);
  },
  { name: 'parley-mailer', fastify: '5.x', dependencies: ['parley-config'] },
);

/** Every form the password can take on the wire or in a message: as written, decoded, and in AUTH PLAIN/LOGIN. */
function secretsOf(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (!parsed.password) return [];
  const user = safeDecode(parsed.username);
  const password = safeDecode(parsed.password);
  const forms = [
    parsed.password,
    password,
    encodeURIComponent(password),
    Buffer.from(password).toString('base64'),
    Buffer.from(`\0${user}\0${password}`).toString('base64'),
    Buffer.from(`${user}\0${user}\0${password}`).toString('base64'),
  ];
  // Longest first, so that a form containing another is replaced whole.
  return [...new Set(forms)].filter((form) => form.length > 0).toSorted((a, b) => b.length - a.length);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function withoutSecrets(text: string, secrets: string[]): string {
  return secrets.reduce((result, secret) => result.replaceAll(secret, '***'), text);
}

function sendError(error: unknown, secrets: string[]): MailSendError {
  const failure = (error ?? {}) as Partial<NodemailerError>;
  const reason = error instanceof Error ? error.message : String(error);
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  const responseCode = typeof failure.responseCode === 'number' ? failure.responseCode : undefined;
  const message = `Sending e-mail failed${code ? ` (${code})` : ''}: ${reason}`;
  return new MailSendError(withoutSecrets(message, secrets), { code, responseCode, permanent: failure.permanent });
}
