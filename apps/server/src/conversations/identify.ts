/**
 * The site's page says who the visitor is (`ParleyClient.identify`): a name, an e-mail address, a phone number, in the
 * handshake's `identity` on every (re)connect and as `contact:identify` while connected. Unverified details, stored on
 * the visitor's contact silently (no status line in the conversation, unlike `contact:update`), each field given
 * overwriting what the contact held. A visitor without a contact yet (it is written with their first message) keeps
 * the details on the socket's {@link VisitorContext}, and the first message writes them with the contact.
 *
 * `contact:identify` with an identity token only verifies it here; the session continues as the verified contact in
 * the next handshake (`verified-contact.ts`), the one place a token is used up.
 * @module
 */
import { contacts, type Database } from '@parley/db';
import type { ContactIdentified, ContactIdentity } from '@parley/protocol';
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { createRateLimit } from '../plugins/rate-limit.js';
import { contactDetailsOrRefuse, storableContactDetails, type ContactDetails } from './contact-details.js';
import { updateContactDetails } from './contact-update.js';
import { announceContactChange } from './contacts.js';
import type { VisitorContext } from './service.js';

/**
 * `contact:identify` per visitor per minute. A page calls `identify` when it loads or the signed-in user changes, and
 * the handshake carries the details on reconnects without this event, so a well-behaved page stays far below it.
 */
const IDENTIFY_PER_MINUTE = 20;

/** The handshake's `identity` as stored: the phone in E.164, a number that isn't one dropped (never a refusal). */
export function handshakeIdentityOf(identity: ContactIdentity | undefined, defaultCountry: string | undefined): ContactDetails | undefined {
  if (!identity) return undefined;
  const { values } = storableContactDetails(identity, defaultCountry);
  return Object.keys(values).length > 0 ? values : undefined;
}

/**
 * Writes `details` on the contact, if it exists and anything differs; returns its details when they changed, else
 * null (no contact, or nothing new). With its `contact.updated` event; nothing changes before the contact exists.
 */
export async function storeIdentity(db: Database, contactId: string, details: ContactDetails): Promise<ContactIdentified | null> {
  const differs: SQL[] = [];
  if (details.name !== undefined) differs.push(sql`${contacts.name} is distinct from ${details.name}`);
  if (details.email !== undefined) differs.push(sql`${contacts.email} is distinct from ${details.email}`);
  if (details.phone !== undefined) differs.push(sql`${contacts.phone} is distinct from ${details.phone}`);
  if (differs.length === 0) return null;
  const changed = await db.transaction((tx) => updateContactDetails(tx, and(eq(contacts.id, contactId), or(...differs))!, details));
  return changed ? { name: changed.name, email: changed.email, phone: changed.phone } : null;
}

/**
 * Applies details the page gave to the visitor: kept on `visitor` first (so a first message that creates the contact
 * from now on writes them), then stored on the contact, and every agent told when that changed it. Returns what the
 * contact now holds, or, before it exists, what it will be created with.
 */
export async function applyIdentity(app: FastifyInstance, visitor: VisitorContext, details: ContactDetails): Promise<ContactIdentified> {
  const { db, realtime } = app;
  visitor.identity = { ...visitor.identity, ...details };
  const changed = await storeIdentity(db, visitor.contactId, details);
  if (changed) {
    await announceContactChange(realtime, db, visitor.organizationId, visitor.contactId);
    return changed;
  }
  const [stored] = await db
    .select({ name: contacts.name, email: contacts.email, phone: contacts.phone })
    .from(contacts)
    .where(eq(contacts.id, visitor.contactId));
  return stored ?? { name: visitor.identity.name ?? null, email: visitor.identity.email ?? null, phone: visitor.identity.phone ?? null };
}

/** Serves `contact:identify` on every visitor socket: refused with `invalid_payload` for a phone number that isn't one. */
export function registerIdentify(app: FastifyInstance): void {
  const identifyLimit = createRateLimit(IDENTIFY_PER_MINUTE, 60, 'Too many requests; try again in {seconds} s.');
  app.visitorSocketExtensions.push((socket, events, visitor) => {
    events.on('contact:identify', async (payload): Promise<ContactIdentified> => {
      await identifyLimit(`visitor:${visitor.contactId}`);
      if (payload.token) {
        // A socket speaks for one contact: the session continues as the verified one in a handshake (one path, where the
        // token is used up). Checked here, so that a refusal answers this event; then, once the answer has gone out,
        // the socket is closed and the client reconnects presenting the token again, and `session.identity` says what
        // came of it. Unless the socket is that person's already: nothing would change.
        const { widget } = socket.data;
        const reconnect = () => setImmediate(() => socket.disconnect(true));
        const verified = await app.identity.verify(widget.id, payload.token).catch((error: unknown) => {
          reconnect();
          throw error;
        });
        const [current] = await app.db.select({ externalId: contacts.externalId }).from(contacts).where(eq(contacts.id, visitor.contactId));
        if (current?.externalId !== verified.externalId) reconnect();
        const { values } = storableContactDetails(verified.details, widget.settings.defaultCountry);
        return { name: values.name ?? null, email: values.email ?? null, phone: values.phone ?? null };
      }
      const details = contactDetailsOrRefuse(payload, socket.data.widget.settings.defaultCountry);
      return applyIdentity(app, visitor, details);
    });
  });
}
