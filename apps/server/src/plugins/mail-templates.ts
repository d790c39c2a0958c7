/**
 * The e-mails Parley sends, as plain text and simple inline-styled HTML. Pure functions: no I/O, no clock.
 *
 * Names and message bodies are what people typed. In the HTML every piece of text is escaped and line breaks become
 * `<br>`; the conversation link is a link only when it is an http(s) URL, and is left out otherwise. The text part
 * keeps message bodies exactly as written; names are put on one line there, and in the subject.
 * @module
 */

/** One message of a conversation, as an e-mail shows it. */
export interface EmailMessage {
  authorName: string;
  body: string;
  createdAt: Date;
}

/** A rendered e-mail, ready for `app.mailer.send`. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What {@link agentReplyEmail} needs. */
export interface AgentReplyEmailInput {
  organizationName: string;
  agentName: string;
  /** The agent's new messages (and any context before them), oldest first. */
  messages: EmailMessage[];
  /** Where the visitor continues the conversation. */
  conversationUrl: string;
  /** BCP 47 tag for the dates and the HTML's `lang`; English when absent or invalid. */
  locale?: string;
}

/** What {@link transcriptEmail} needs. */
export interface TranscriptEmailInput {
  organizationName: string;
  /** The whole conversation, oldest first. */
  messages: EmailMessage[];
  conversationUrl: string;
  /** BCP 47 tag for the dates and the HTML's `lang`; English when absent or invalid. */
  locale?: string;
}

/** "You have a new reply from Anna at Acme": the agent's messages and a link back to the conversation. */
export function agentReplyEmail(input: AgentReplyEmailInput): RenderedEmail {
  const agent = oneLine(input.agentName);
  const organization = oneLine(input.organizationName);
  return render({
    subject: `You have a new reply from ${shorten(agent)} at ${shorten(organization)}`,
    intro: {
      text: `You have a new reply from ${agent} at ${organization}.`,
      html: `You have a new reply from ${strong(agent)} at ${strong(organization)}.`,
    },
    messages: input.messages,
    link: { url: input.conversationUrl, text: 'Reply', label: 'Reply' },
    locale: input.locale,
  });
}

/** The transcript of a conversation with an organization, with a link to it. */
export function transcriptEmail(input: TranscriptEmailInput): RenderedEmail {
  const organization = oneLine(input.organizationName);
  return render({
    subject: `Transcript of your conversation with ${shorten(organization)}`,
    intro: {
      text: `Here is the transcript of your conversation with ${organization}.`,
      html: `Here is the transcript of your conversation with ${strong(organization)}.`,
    },
    messages: input.messages,
    link: { url: input.conversationUrl, text: 'Conversation', label: 'View the conversation' },
    locale: input.locale,
  });
}

/** What {@link invitationEmail} needs. */
export interface InvitationEmailInput {
  organizationName: string;
  /** Who invited them; null when that account is gone. */
  inviterName: string | null;
  role: 'agent' | 'admin' | 'owner';
  /** The link that accepts the invitation (its secret is in the fragment). */
  acceptUrl: string;
  expiresAt: Date;
}

const ROLE_WITH_ARTICLE = { agent: 'an agent', admin: 'an admin', owner: 'an owner' } as const;

/** "Sam invited you to join Acme on Parley": the role, until when the link works, and the link. */
export function invitationEmail(input: InvitationEmailInput): RenderedEmail {
  const organization = oneLine(input.organizationName);
  const inviter = input.inviterName === null ? '' : oneLine(input.inviterName);
  const role = ROLE_WITH_ARTICLE[input.role];
  const until = dateFormatter(undefined)(input.expiresAt);
  return render({
    subject: `You're invited to join ${shorten(organization)} on Parley`,
    intro: {
      text: `${inviter ? `${inviter} invited you` : 'You are invited'} to join ${organization} on Parley as ${role}. The invitation works until ${until}.`,
      html:
        `${inviter ? `${strong(inviter)} invited you` : 'You are invited'} to join ${strong(organization)} on Parley as ` +
        `${escapeHtml(role)}. The invitation works until ${escapeHtml(until)}.`,
    },
    messages: [],
    link: { url: input.acceptUrl, text: 'Accept the invitation', label: 'Accept the invitation' },
    locale: undefined,
  });
}

/** `text` with `&`, `<`, `>`, `"` and `'` escaped: safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char as keyof typeof HTML_ESCAPES]);
}

/** The URL, normalized, when it is an absolute http(s) URL; otherwise null (`javascript:`, `data:`, relative, junk). */
export function linkableUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' } as const;

const SUBJECT_NAME_MAX = 80;

const STYLE = {
  // Inside double-quoted style attributes: no double quotes here.
  body: "margin:0;padding:24px;background:#f6f7f9;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;",
  card: 'max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;',
  intro: 'margin:0 0 20px;font-size:16px;line-height:1.5;',
  message: 'margin:0 0 16px;padding:8px 0 8px 14px;border-left:3px solid #d0d7de;',
  meta: 'margin:0 0 4px;font-size:13px;color:#57606a;',
  text: 'margin:0;font-size:15px;line-height:1.5;overflow-wrap:anywhere;',
  button: 'display:inline-block;padding:10px 18px;border-radius:6px;background:#1f6feb;color:#ffffff;text-decoration:none;font-size:15px;',
};

interface Parts {
  subject: string;
  intro: { text: string; html: string };
  messages: EmailMessage[];
  link: { url: string; text: string; label: string };
  locale: string | undefined;
}

function render(parts: Parts): RenderedEmail {
  const formatDate = dateFormatter(parts.locale);
  const url = linkableUrl(parts.link.url);

  const textBlocks = [parts.intro.text];
  for (const message of parts.messages) {
    textBlocks.push(`${oneLine(message.authorName)} · ${formatDate(message.createdAt)}\n${message.body}`);
  }
  if (url) textBlocks.push(`${parts.link.text}: ${url}`);

  const htmlMessages = parts.messages.map(
    (message) =>
      `<div style="${STYLE.message}">` +
      `<p style="${STYLE.meta}"><strong dir="auto">${escapeHtml(message.authorName)}</strong> · ${escapeHtml(formatDate(message.createdAt))}</p>` +
      `<p dir="auto" style="${STYLE.text}">${multiline(message.body)}</p>` +
      `</div>`,
  );
  const htmlLink = url
    ? `<p style="margin:24px 0 0;"><a href="${escapeHtml(url)}" style="${STYLE.button}">${escapeHtml(parts.link.label)}</a></p>`
    : '';
  const lang = languageTag(parts.locale);
  const html =
    `<!doctype html>\n<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(parts.subject)}</title></head>\n` +
    `<body style="${STYLE.body}"><div style="${STYLE.card}">\n` +
    `<p style="${STYLE.intro}">${parts.intro.html}</p>\n` +
    htmlMessages.map((block) => `${block}\n`).join('') +
    (htmlLink ? `${htmlLink}\n` : '') +
    `</div></body></html>\n`;

  return { subject: parts.subject, text: `${textBlocks.join('\n\n')}\n`, html };
}

/** Escaped name, bold, isolated for right-to-left text. */
function strong(name: string): string {
  return `<strong dir="auto">${escapeHtml(name)}</strong>`;
}

/** Escaped text with its line breaks as `<br>`. */
function multiline(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

/** Line breaks, tabs and other control characters as single spaces, trimmed: for the subject and names. */
function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** At most {@link SUBJECT_NAME_MAX} characters (code points), with an ellipsis when cut. */
function shorten(text: string): string {
  const chars = Array.from(text);
  return chars.length > SUBJECT_NAME_MAX ? `${chars.slice(0, SUBJECT_NAME_MAX - 1).join('')}…` : text;
}

// Building an Intl.DateTimeFormat costs more than rendering a whole e-mail: one per locale, a few locales at most.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const DATE_FORMATS_MAX = 50;

function dateFormatter(locale: string | undefined): (date: Date) => string {
  const key = locale ?? 'en';
  let format = dateFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' };
    try {
      format = new Intl.DateTimeFormat(key, options);
    } catch {
      format = new Intl.DateTimeFormat('en', options);
    }
    if (dateFormats.size >= DATE_FORMATS_MAX) dateFormats.clear();
    dateFormats.set(key, format);
  }
  const chosen = format;
  return (date) => (Number.isNaN(date.getTime()) ? '' : `${chosen.format(date)} UTC`);
}

function languageTag(locale: string | undefined): string {
  if (!locale) return 'en';
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? 'en';
  } catch {
    return 'en';
  }
}
