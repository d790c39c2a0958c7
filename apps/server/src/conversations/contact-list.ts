/**
 * `GET /api/contacts`: an organization's contacts for integrations and the console, newest first, found by the
 * inbox's contact search (`q`), or exactly by e-mail address, phone number or the site's user id. Keyset pagination on
 * `(created_at, id)`; contacts merged into another are left out.
 * @module
 */
import { contacts, type Database } from '@parley/db';
import { ParleyError, type ContactList, type ContactListQuery } from '@parley/protocol';
import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { normalizeEmail, parsePhone } from './contact-details.js';
import { contactSearchCondition } from './inbox.js';

// The inbox's contact search is written against `ct`.
const ct = alias(contacts, 'ct');

/** Microseconds since 1970, Postgres' precision: exact in a cursor, where a JavaScript Date would round. */
const createdMicros = sql<string>`(extract(epoch from ${ct.createdAt}) * 1000000)::bigint::text`;

function badCursor(): ParleyError {
  return new ParleyError('invalid_payload', 'The cursor is not valid for this list.', {
    issues: [{ path: 'cursor', message: 'Not a cursor of this list.' }],
  });
}

function encodeCursor(micros: string, id: string): string {
  return Buffer.from(JSON.stringify([micros, id])).toString('base64url');
}

function afterCursor(cursor: string): SQL {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== 2) throw badCursor();
  const [micros, id] = parts as unknown[];
  if (typeof micros !== 'string' || !/^\d{1,19}$/.test(micros)) throw badCursor();
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw badCursor();
  return sql`(${ct.createdAt}, ${ct.id}) < (timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond', ${id}::uuid)`;
}

/** A page of the organization's contacts matching `query`. */
export async function listContacts(db: Database, organizationId: string, query: ContactListQuery): Promise<ContactList> {
  const conditions: SQL[] = [eq(ct.organizationId, organizationId), isNull(ct.mergedIntoId)];
  if (query.q !== undefined) conditions.push(contactSearchCondition(query.q));
  if (query.email !== undefined) conditions.push(sql`lower(${ct.email}) = ${normalizeEmail(query.email)}`);
  if (query.phone !== undefined) {
    const phone = parsePhone(query.phone, undefined);
    if (!phone) {
      const message = 'Give the phone number in international format, e.g. +44 20 7946 0958.';
      throw new ParleyError('invalid_payload', message, { issues: [{ path: 'phone', message }] });
    }
    conditions.push(eq(ct.phone, phone.e164));
  }
  if (query.externalId !== undefined) conditions.push(eq(ct.externalId, query.externalId));
  if (query.cursor !== undefined) conditions.push(afterCursor(query.cursor));
  const rows = await db
    .select({
      id: ct.id,
      name: ct.name,
      email: ct.email,
      phone: ct.phone,
      language: ct.language,
      externalId: ct.externalId,
      verifiedAt: ct.verifiedAt,
      createdAt: ct.createdAt,
      lastSeenAt: ct.lastSeenAt,
      micros: createdMicros,
    })
    .from(ct)
    .where(and(...conditions))
    .orderBy(desc(ct.createdAt), desc(ct.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    contacts: page.map(({ micros: _micros, ...row }) => ({
      ...row,
      verifiedAt: row.verifiedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
    })),
    next: rows.length > query.limit && last ? encodeCursor(last.micros, last.id) : null,
  };
}
