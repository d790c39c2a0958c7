/**
 * The console's contact panel: `GET /api/contacts/:contactId` (who the visitor is, where they were when they last
 * connected, their browser and OS parsed from the user agent with bowser, their past conversations) and
 * `PATCH /api/contacts/:contactId` (an agent corrects the name, e-mail address or phone number, validated as the
 * widget's follow-up form is). A contact of another organization is reported as missing.
 * @module
 */
import { contacts, conversations, messages, widgets, type Database } from '@parley/db';
import {
  contactEditSchema,
  contactListQuerySchema,
  contactListSchema,
  contactMergeSchema,
  contactParamsSchema,
  contactSchema,
  ParleyError,
  widgetSettingsSchema,
  type Contact,
  type ContactConversation,
  type ContactEdit,
  type UserAgentPart,
} from '@parley/protocol';
import { parse as parseUserAgent } from 'bowser';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contactEditExample, contactExample, contactListExample, contactMergeExample } from './api-examples.js';
import { contactRoom, type Realtime } from '../plugins/io.js';
import { listContacts } from './contact-list.js';
import { mergeContacts } from './contact-merge.js';
import type { RateLimit } from '../plugins/rate-limit.js';
import { announceConversation } from './broadcast.js';
import { updateContactDetails } from './contact-update.js';
import { invalidPhoneMessage, normalizeEmail, parsePhone } from './contact-details.js';
import { isPreviewMessage } from './service.js';
import { callerKey, organizationIdOf } from '../auth/caller.js';

/** How many of the contact's conversations the panel lists, newest first. */
const CONTACT_CONVERSATIONS = 20;
/** Characters of a conversation's last message in the list. */
const PREVIEW_LENGTH = 140;

type ContactRow = typeof contacts.$inferSelect;

function userAgentPart(part: { name?: string; version?: string } | undefined): UserAgentPart | null {
  if (!part?.name) return null;
  return { name: part.name, version: part.version || null };
}

/** The browser and OS of a user agent, parsed with bowser; null where it does not recognize them. */
export function parseBrowserAndOs(userAgent: string | null): { browser: UserAgentPart | null; os: UserAgentPart | null } {
  if (!userAgent) return { browser: null, os: null };
  try {
    const parsed = parseUserAgent(userAgent);
    return { browser: userAgentPart(parsed.browser), os: userAgentPart(parsed.os) };
  } catch {
    return { browser: null, os: null };
  }
}

/** The contact of the organization; `not_found` for a missing one or another organization's. */
async function contactRow(db: Database, organizationId: string, contactId: string): Promise<ContactRow> {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.id, contactId), eq(contacts.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'Contact not found.');
  if (row.mergedIntoId) throw new ParleyError('not_found', `This contact was merged into ${row.mergedIntoId}.`);
  return row;
}

/** The contact's newest conversations, with the last message that is not a system line. */
async function contactConversations(db: Database, contactId: string): Promise<ContactConversation[]> {
  const rows = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      createdAt: conversations.createdAt,
      body: messages.body,
      authorKind: messages.authorKind,
    })
    .from(conversations)
    .leftJoin(messages, isPreviewMessage)
    .where(eq(conversations.contactId, contactId))
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(CONTACT_CONVERSATIONS);
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    lastMessage:
      row.body !== null && row.authorKind !== null
        ? { body: Array.from(row.body).slice(0, PREVIEW_LENGTH).join(''), authorKind: row.authorKind }
        : null,
  }));
}

/** The contact as the console's panel shows it. */
export async function getContact(db: Database, organizationId: string, contactId: string): Promise<Contact> {
  const row = await contactRow(db, organizationId, contactId);
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    page: row.page,
    referrer: row.referrer,
    ...parseBrowserAndOs(row.userAgent),
    timeZone: row.timeZone,
    language: row.language,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    externalId: row.externalId,
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
    conversations: await contactConversations(db, row.id),
  };
}

/**
 * Applies an agent's edit: a name trimmed, an e-mail address normalized, a phone number in E.164 (one without a
 * country code read as one of the contact's widget's default country); null clears. A phone number that is not one is
 * refused with `invalid_payload` naming `phone`.
 */
export async function editContact(db: Database, organizationId: string, contactId: string, edit: ContactEdit): Promise<ContactRow> {
  const row = await contactRow(db, organizationId, contactId);
  const values: Partial<Pick<ContactRow, 'name' | 'email' | 'phone'>> = {};
  if (edit.name !== undefined) values.name = edit.name;
  if (edit.email !== undefined) values.email = edit.email === null ? null : normalizeEmail(edit.email);
  if (edit.phone !== undefined) {
    if (edit.phone === null) values.phone = null;
    else {
      const [widget] = await db.select({ settings: widgets.settings }).from(widgets).where(eq(widgets.id, row.widgetId));
      const defaultCountry = widgetSettingsSchema.safeParse(widget?.settings ?? {}).data?.defaultCountry;
      const phone = parsePhone(edit.phone, defaultCountry);
      if (!phone) {
        const message = invalidPhoneMessage(defaultCountry);
        throw new ParleyError('invalid_payload', message, { issues: [{ path: 'phone', message }] });
      }
      values.phone = phone.e164;
    }
  }
  if (Object.keys(values).length === 0) return row;
  const updated = await db.transaction((tx) =>
    updateContactDetails(tx, and(eq(contacts.id, contactId), eq(contacts.organizationId, organizationId))!, values),
  );
  if (!updated) throw new ParleyError('not_found', 'Contact not found.');
  return updated;
}

/**
 * Merges contact `mergeContactId` into `contactId` (both the organization's, neither merged before; `not_found`
 * otherwise). The two rows are locked in id order, so two merges of the same pair can't deadlock.
 */
export async function mergeContactInto(db: Database, organizationId: string, contactId: string, mergeContactId: string): Promise<void> {
  if (contactId === mergeContactId) throw new ParleyError('conflict', 'A contact cannot be merged into itself.');
  await db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(contacts)
      .where(and(inArray(contacts.id, [contactId, mergeContactId]), eq(contacts.organizationId, organizationId)))
      .orderBy(asc(contacts.id))
      .for('update');
    const into = rows.find((row) => row.id === contactId);
    const from = rows.find((row) => row.id === mergeContactId);
    for (const [row, id] of [
      [into, contactId],
      [from, mergeContactId],
    ] as const) {
      if (!row) throw new ParleyError('not_found', `Contact ${id} not found.`);
      if (row.mergedIntoId) throw new ParleyError('not_found', `Contact ${id} was merged into ${row.mergedIntoId}.`);
    }
    await mergeContacts(tx, from!, into!);
  });
}

/**
 * Tells every agent that a contact's details changed (an agent's edit, the page's `identify`). The inbox shows the
 * contact's name and e-mail address on each of their conversations (the open one, and the resolved ones of the
 * Resolved view): each of those the panel lists is announced again.
 */
export async function announceContactChange(realtime: Realtime, db: Database, organizationId: string, contactId: string): Promise<void> {
  const listed = await db
    .select({
      id: conversations.id,
      organizationId: conversations.organizationId,
      contactId: conversations.contactId,
      status: conversations.status,
      lastSeq: conversations.lastSeq,
    })
    .from(conversations)
    .where(and(eq(conversations.organizationId, organizationId), eq(conversations.contactId, contactId)))
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(CONTACT_CONVERSATIONS);
  for (const conversation of listed) await announceConversation(realtime, db, conversation);
}

/**
 * Registers `GET /api/contacts`, `GET` and `PATCH /api/contacts/:contactId` and `POST /api/contacts/:contactId/merge`
 * (any agent of the organization).
 */
export function registerContacts(app: FastifyInstance, deps: { rateLimit: RateLimit }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/contacts',
    {
      config: { scope: 'contacts:read', example: { response: contactListExample } },
      preValidation: app.authenticate,
      schema: { querystring: contactListQuerySchema, response: { 200: contactListSchema } },
    },
    async function listContactsRoute(request) {
      return listContacts(app.db, organizationIdOf(request), request.query);
    },
  );

  api.post(
    '/api/contacts/:contactId/merge',
    {
      config: { scope: 'contacts:write', example: { body: contactMergeExample, response: contactExample } },
      preValidation: app.authenticate,
      schema: { params: contactParamsSchema, body: contactMergeSchema, response: { 200: contactSchema } },
    },
    async function mergeContactRoute(request) {
      const organizationId = organizationIdOf(request);
      await deps.rateLimit(callerKey(request));
      const { contactId } = request.params;
      const { mergeContactId } = request.body;
      await mergeContactInto(app.db, organizationId, contactId, mergeContactId);
      // The merged visitor's open widgets reconnect, and continue as the kept contact (their session names a merged one).
      app.realtime.visitors.in(contactRoom(mergeContactId)).disconnectSockets(true);
      await announceContactChange(app.realtime, app.db, organizationId, contactId);
      return getContact(app.db, organizationId, contactId);
    },
  );

  api.get(
    '/api/contacts/:contactId',
    {
      config: { scope: 'contacts:read', example: { response: contactExample } },
      preValidation: app.authenticate,
      schema: { params: contactParamsSchema, response: { 200: contactSchema } },
    },
    async function getContactRoute(request) {
      return getContact(app.db, organizationIdOf(request), request.params.contactId);
    },
  );

  api.patch(
    '/api/contacts/:contactId',
    {
      config: { scope: 'contacts:write', example: { response: contactExample, body: contactEditExample } },
      preValidation: app.authenticate,
      schema: { params: contactParamsSchema, body: contactEditSchema, response: { 200: contactSchema } },
    },
    async function editContactRoute(request) {
      const organizationId = organizationIdOf(request);
      await deps.rateLimit(callerKey(request));
      const { contactId } = request.params;
      await editContact(app.db, organizationId, contactId, request.body);
      await announceContactChange(app.realtime, app.db, organizationId, contactId);
      return getContact(app.db, organizationId, contactId);
    },
  );
}
