/**
 * What a visitor's connection says about them, for the agents' contact panel: the browser's user agent, the language
 * the visitor reads (which the server writes to them in, too), the time zone, the page and where they came from. Read
 * from the handshake (the SDK's `auth`, validated leniently by `visitorHandshakeSchema`) and its headers, kept on the
 * socket, and written to the contact: at once when the contact exists, else with the contact on the visitor's first
 * message.
 * @module
 */
import { contacts, type Database } from '@parley/db';
import { canonicalLanguageTag, type VisitorHandshake } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import type { IncomingHttpHeaders } from 'node:http';

/** The longest `User-Agent` kept; a longer header is cut (real ones are a few hundred characters). */
const USER_AGENT_MAX_LENGTH = 512;

/** The contact columns one connection sets; null where it said nothing (or nothing valid). */
export interface VisitDetails {
  userAgent: string | null;
  language: string | null;
  timeZone: string | null;
  page: string | null;
  referrer: string | null;
}

/** The first language of an `Accept-Language` header (`de-CH,de;q=0.9,en;q=0.8` → `de-CH`); null for none or `*`. */
export function firstAcceptedLanguage(header: string | undefined): string | null {
  const first = header?.split(',', 1)[0]?.split(';', 1)[0]?.trim();
  if (!first || first === '*' || first.length > 35) return null;
  return canonicalLanguageTag(first);
}

/** What the handshake said about the visitor: the SDK's fields (already validated), else the request's headers. */
export function visitDetailsOf(handshake: VisitorHandshake, headers: IncomingHttpHeaders): VisitDetails {
  const userAgent = headers['user-agent']?.trim();
  return {
    userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX_LENGTH) : null,
    language: handshake.language ?? firstAcceptedLanguage(headers['accept-language']),
    timeZone: handshake.timeZone ?? null,
    page: handshake.page ?? null,
    referrer: handshake.referrer ?? null,
  };
}

/**
 * Records the language the visitor reads now (`language:set`) on their contact: the server's next sentences to them
 * follow it (`visitor-locale.ts`). Changes nothing before the contact exists; the caller keeps it on the socket's
 * details for then.
 */
export async function recordLanguage(db: Database, contactId: string, language: string): Promise<void> {
  await db.update(contacts).set({ language }).where(eq(contacts.id, contactId));
}

/**
 * Records a connection on the visitor's contact: its details and `lastSeenAt`. One statement, which changes nothing
 * before the contact exists (it is written on the first message, with the details the socket kept).
 */
export async function recordVisit(db: Database, contactId: string, details: VisitDetails): Promise<void> {
  await db
    .update(contacts)
    .set({ ...details, lastSeenAt: sql`now()` })
    .where(eq(contacts.id, contactId));
}
