import { inspect } from 'node:util';
import { ParleyError } from '@parley/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { configPlugin } from './config.js';
import { MailSendError, mailerPlugin } from './mailer.js';
import { SMTP_PASSWORD, SMTP_USER, smtpUrl, startSmtpReceiver, type SmtpReceiver } from '../../test/helpers/smtp-receiver.js';

const USER = SMTP_USER;
const WRONG_PASSWORD = 'Tr0ub4dor&3-wrong';
const FROM = 'Parley Support <support@example.com>';

type Receiver = SmtpReceiver;
const startReceiver = startSmtpReceiver;

/** A Fastify app with the config and mailer plugins only, configured from `env` like the server is. */
async function buildMailerApp(env: Record<string, string>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(configPlugin, { config: loadConfig(env, '/tmp') });
  await app.register(mailerPlugin);
  await app.ready();
  return app;
}

describe('mailer against a real SMTP server', () => {
  let receiver: Receiver;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
    const app = await buildMailerApp(env);
    apps.push(app);
    return app;
  }

  it('sends text and html with the configured From address, as the receiver parses it', async () => {
    const app = await appWith({ PARLEY_SMTP_URL: smtpUrl(receiver.port), PARLEY_SMTP_FROM: FROM });
    expect(app.mailer.enabled).toBe(true);

    const result = await app.mailer.send({
      to: 'Visitor <visitor@example.org>',
      subject: 'You have a new reply from Anna at Acme — ünïcødé 🎉',
      text: 'Hello!\nYour parcel left today.',
      html: '<p>Hello!<br>Your parcel left today.</p>',
      headers: { 'X-Parley-Conversation': 'c_123' },
    });

    expect(result.messageId).toMatch(/^<.+@.+>$/);
    expect(receiver.received).toHaveLength(1);
    const [{ envelope, mail }] = receiver.received as [Receiver['received'][number]];
    expect(envelope).toEqual({ from: 'support@example.com', to: ['visitor@example.org'] });
    expect(mail.from?.value).toEqual([{ address: 'support@example.com', name: 'Parley Support' }]);
    expect(mail.to).toMatchObject({ value: [{ address: 'visitor@example.org', name: 'Visitor' }] });
    expect(mail.subject).toBe('You have a new reply from Anna at Acme — ünïcødé 🎉');
    expect(mail.text).toBe('Hello!\nYour parcel left today.');
    expect(mail.html).toBe('<p>Hello!<br>Your parcel left today.</p>');
    expect(mail.messageId).toBe(result.messageId);
    expect(mail.headers.get('x-parley-conversation')).toBe('c_123');
  });

  it('sends several messages over the pool and closes its connections with the app', async () => {
    const app = await buildMailerApp({ PARLEY_SMTP_URL: smtpUrl(receiver.port), PARLEY_SMTP_FROM: FROM });
    await Promise.all(['a', 'b', 'c'].map((name) => app.mailer.send({ to: `${name}@example.org`, subject: `to ${name}`, text: name })));
    expect(receiver.received.map((entry) => entry.mail.subject).toSorted()).toEqual(['to a', 'to b', 'to c']);
    expect(receiver.server.connections.size).toBeGreaterThan(0);

    await app.close();
    await vi.waitFor(() => expect(receiver.server.connections.size).toBe(0));
  });

  it('fails a wrong password with the SMTP reason and without the password', async () => {
    const app = await appWith({ PARLEY_SMTP_URL: smtpUrl(receiver.port, WRONG_PASSWORD), PARLEY_SMTP_FROM: FROM });
    const error = await app.mailer.send({ to: 'visitor@example.org', subject: 's', text: 't' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MailSendError);
    const failure = error as MailSendError;
    expect(failure.message).toMatch(/^Sending e-mail failed \(EAUTH\): .*535.*Authentication credentials invalid/);
    expect(failure.code).toBe('EAUTH');
    expect(failure.responseCode).toBe(535);
    expect(failure.permanent).toBe(true);
    for (const form of [WRONG_PASSWORD, encodeURIComponent(WRONG_PASSWORD)]) {
      expect(failure.message).not.toContain(form);
      expect(failure.stack).not.toContain(form);
      expect(JSON.stringify(failure)).not.toContain(form);
      expect(inspect(failure)).not.toContain(form);
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('keeps the password out even when the server repeats it in its reply', async () => {
    const echoing = await startReceiver({
      onAuth(auth, _session, callback) {
        callback(new Error(`Wrong password ${auth.password} for ${auth.username}`));
      },
    });
    try {
      const app = await appWith({ PARLEY_SMTP_URL: smtpUrl(echoing.port, WRONG_PASSWORD), PARLEY_SMTP_FROM: FROM });
      const error = (await app.mailer
        .send({ to: 'visitor@example.org', subject: 's', text: 't' })
        .catch((caught: unknown) => caught)) as Error;
      expect(error).toBeInstanceOf(MailSendError);
      expect(error.message).toContain(`Wrong password *** for ${USER}`);
      expect(error.message).not.toContain(WRONG_PASSWORD);
    } finally {
      await echoing.close();
    }
  });

  it('reports a server that is not there', async () => {
    const gone = await startReceiver();
    const port = gone.port;
    await gone.close();
    const app = await appWith({ PARLEY_SMTP_URL: smtpUrl(port), PARLEY_SMTP_FROM: FROM });
    const error = (await app.mailer
      .send({ to: 'visitor@example.org', subject: 's', text: 't' })
      .catch((caught: unknown) => caught)) as MailSendError;
    expect(error).toBeInstanceOf(MailSendError);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).not.toContain(SMTP_PASSWORD);
    expect(error.message).not.toContain(encodeURIComponent(SMTP_PASSWORD));
  });
});

describe('mailer without SMTP settings', () => {
  it('is disabled and refuses to send with a ParleyError', async () => {
    const app = await buildMailerApp({});
    try {
      expect(app.mailer.enabled).toBe(false);
      const error = await app.mailer.send({ to: 'visitor@example.org', subject: 's', text: 't' }).catch((caught: unknown) => caught);
      expect(ParleyError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/E-mail is not configured/) });
    } finally {
      await app.close();
    }
  });
});

describe('PARLEY_SMTP_URL and PARLEY_SMTP_FROM', () => {
  it('reads both into config.smtp, and null without them', () => {
    expect(loadConfig({}).smtp).toBeNull();
    expect(loadConfig({ PARLEY_SMTP_FROM: FROM }).smtp).toBeNull();
    expect(loadConfig({ PARLEY_SMTP_URL: 'smtps://u:p@smtp.example.com:465', PARLEY_SMTP_FROM: FROM }).smtp).toEqual({
      url: 'smtps://u:p@smtp.example.com:465',
      from: FROM,
    });
  });

  it.each([
    'smtp://user:pass@smtp.example.com:587',
    'smtps://user:pass@smtp.example.com:465',
    'smtp://smtp.example.com',
    'smtp://relay.internal:25/',
    'smtp://user%40example.com:p%40ss%2Fw%3Ard@[::1]:2525',
    'smtp://user:pass@192.0.2.1:587?requireTLS=true',
  ])('accepts %s', (url) => {
    expect(loadConfig({ PARLEY_SMTP_URL: url, PARLEY_SMTP_FROM: FROM }).smtp?.url).toBe(url);
  });

  it.each([
    'http://user:s3cret@smtp.example.com',
    'user:s3cret@smtp.example.com:587',
    'smtp://user:s3cret@pass@smtp.example.com',
    'smtp://user:s3cret@smtp.example.com:port',
    'smtp://user:s3cret@smtp example.com',
    'smtp://user:s3cret@',
  ])('refuses %s with a message that does not repeat it', (url) => {
    const error = (() => {
      try {
        loadConfig({ PARLEY_SMTP_URL: url, PARLEY_SMTP_FROM: FROM });
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toMatch(/PARLEY_SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(error?.message).not.toContain('s3cret');
  });

  it('requires a From address with a URL', () => {
    expect(() => loadConfig({ PARLEY_SMTP_URL: 'smtp://u:secret-pass@smtp.example.com' })).toThrowError(
      /PARLEY_SMTP_FROM: required when PARLEY_SMTP_URL is set/,
    );
    expect(() => loadConfig({ PARLEY_SMTP_URL: 'smtp://u:secret-pass@smtp.example.com' })).not.toThrowError(/secret-pass/);
  });

  it.each(['support@example.com', 'Parley <support@example.com>', '"Parley, Inc." <support@example.com>'])(
    'accepts the From %s',
    (from) => {
      expect(loadConfig({ PARLEY_SMTP_URL: 'smtp://smtp.example.com', PARLEY_SMTP_FROM: from }).smtp?.from).toBe(from);
    },
  );

  it.each([
    'Parley',
    'support at example.com',
    'Parley <support@example.com',
    'a@example.com, b@example.com',
    'Parley\r\nBcc: x@y.z <a@b.c>',
  ])('refuses the From %j', (from) => {
    expect(() => loadConfig({ PARLEY_SMTP_URL: 'smtp://smtp.example.com', PARLEY_SMTP_FROM: from })).toThrowError(
      /PARLEY_SMTP_FROM must be one e-mail address/,
    );
  });

  it('leaves the password out when the config is serialized or inspected', () => {
    const config = loadConfig({ PARLEY_SMTP_URL: 'smtps://mailer:hunter2-secret@smtp.example.com:465', PARLEY_SMTP_FROM: FROM });
    expect(config.smtp?.url).toBe('smtps://mailer:hunter2-secret@smtp.example.com:465');
    expect(JSON.stringify(config)).not.toContain('hunter2-secret');
    expect(JSON.stringify(config)).toContain('"url":"smtps://mailer:***@smtp.example.com:465"');
    expect(inspect(config, { depth: 5 })).not.toContain('hunter2-secret');
  });
});
