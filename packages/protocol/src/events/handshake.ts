/**
 * What a socket presents when it connects, per namespace.
 * @module
 */
import { z } from 'zod';
import { handshakeIdentitySchema } from './contact.js';

export { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../constants.js';

/** The longest page or referrer URL kept; a longer one is dropped. */
export const VISITOR_URL_MAX_LENGTH = 2000;

/** An absolute http(s) URL with a host, and no whitespace or control characters anywhere. */
const HTTP_URL = /^https?:\/\/[^\s/?#\\\p{Cc}]+[^\s\p{Cc}]*$/iu;

/** Whether a time zone name is known to this runtime's ICU (`Europe/Berlin`). */
function isKnownTimeZone(timeZone: string): boolean {
  try {
    // Throws a RangeError for an unknown zone.
    return new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone !== undefined;
  } catch {
    return false;
  }
}

/** A BCP 47 language tag (`en-GB`) in its canonical form; null when it is not one. */
export function canonicalLanguageTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** A page's URL as the SDK reports it: http(s) only, at most {@link VISITOR_URL_MAX_LENGTH} characters. */
const visitorUrlSchema = z.string().max(VISITOR_URL_MAX_LENGTH).regex(HTTP_URL);

/**
 * Socket.IO `auth` of a visitor: the widget's public key and, when resuming, the session token. The SDK also reports
 * where the visitor is, for the agents' contact panel: the page's URL (`location.href`), the referrer
 * (`document.referrer`), the IANA time zone and the language the visitor reads (the one the widget shows them or the
 * page set, `ParleyClient.setLocale`; else the browser's, `navigator.language`), which the server also writes to them
 * in (`language:set` changes it later). Those four are read leniently: a value that is not valid (not http(s), longer
 * than 2000 characters, an unknown zone, not a language tag) is dropped, never a reason to refuse the connection. `identity` is who the site's page says the visitor is
 * (`ParleyClient.identify`: name, e-mail address, phone number), read as leniently: an invalid field is dropped.
 */
export const visitorHandshakeSchema = z.object({
  widgetKey: z.string().min(1).max(128),
  sessionToken: z.string().min(1).max(4096).optional(),
  page: visitorUrlSchema.optional().catch(undefined),
  referrer: visitorUrlSchema.optional().catch(undefined),
  timeZone: z.string().max(64).refine(isKnownTimeZone).optional().catch(undefined),
  language: z.string().max(35).transform(canonicalLanguageTag).pipe(z.string()).optional().catch(undefined),
  identity: handshakeIdentitySchema,
});
/** Socket.IO `auth` of a visitor. */
export type VisitorHandshake = z.infer<typeof visitorHandshakeSchema>;

/** Socket.IO `auth` of an agent: the token returned by `POST /api/auth/login`. */
export const agentHandshakeSchema = z.object({
  token: z.string().min(1).max(4096),
});
/** Socket.IO `auth` of an agent. */
export type AgentHandshake = z.infer<typeof agentHandshakeSchema>;
