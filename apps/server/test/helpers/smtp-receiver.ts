import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** The account the receiver accepts. */
export const SMTP_USER = 'parley@example.com';
// Characters that must be percent-encoded in the URL, so the tests also check that the mailer decodes them.
export const SMTP_PASSWORD = 'c0rrect h@rse:b/tt?ry#';

/** A real SMTP server started by a test. */
export interface SmtpReceiver {
  port: number;
  /** Messages accepted so far, parsed, with their SMTP envelope. */
  received: { envelope: { from: string; to: string[] }; mail: ParsedMail }[];
  server: SMTPServer;
  close(): Promise<void>;
}

/** A real SMTP server on a free port: plain text (no STARTTLS), AUTH PLAIN/LOGIN against the user and password above. */
export async function startSmtpReceiver(options: Partial<SMTPServerOptions> = {}): Promise<SmtpReceiver> {
  const received: SmtpReceiver['received'] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      return callback(new Error('Authentication credentials invalid'));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((address) => address.address),
          };
          received.push({ envelope, mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `PARLEY_SMTP_URL` for the receiver on `port`. */
export function smtpUrl(port: number, password = SMTP_PASSWORD): string {
  return `smtp://${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
}
