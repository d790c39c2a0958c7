import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from './create-db.js';
import { rowsOf } from './raw-sql.js';
import { contacts, conversations, messages, organizations, widgets } from './schema/index.js';

// Runs on PGlite, and on Postgres when DATABASE_URL is set (CI does both).
let handle: DbHandle;
beforeAll(async () => {
  handle = await createDb({ url: process.env.DATABASE_URL, dataDir: 'memory://' });
  await handle.migrate();
});
afterAll(async () => {
  await handle?.close();
});

async function conversationFixture() {
  const { db } = handle;
  const [organization] = await db.insert(organizations).values({ name: 'Fixture' }).returning();
  const [widget] = await db
    .insert(widgets)
    .values({ organizationId: organization!.id, name: 'w', publicKey: `pk_${randomUUID()}` })
    .returning();
  const [contact] = await db
    .insert(contacts)
    .values({ id: randomUUID(), organizationId: organization!.id, widgetId: widget!.id })
    .returning();
  const [conversation] = await db
    .insert(conversations)
    .values({ organizationId: organization!.id, widgetId: widget!.id, contactId: contact!.id, status: 'queued' })
    .returning();
  return conversation!;
}

describe('createDb', () => {
  it('applies the migrations once, and again without error', async () => {
    await handle.migrate();
    const journal = JSON.parse(readFileSync(new URL('../drizzle/meta/_journal.json', import.meta.url), 'utf8'));
    const applied = await handle.db.execute<{ hash: string }>(sql`select hash from drizzle.__drizzle_migrations`);
    const rows = rowsOf(applied);
    expect(rows).toHaveLength(journal.entries.length);
    await expect(handle.ping()).resolves.toBeUndefined();
  });

  it('enforces a unique seq and a unique clientId per conversation', async () => {
    const conversation = await conversationFixture();
    const base = { conversationId: conversation.id, authorKind: 'visitor' as const, body: 'x' };
    await handle.db.insert(messages).values({ ...base, seq: 1, clientId: 'a' });
    await expect(handle.db.insert(messages).values({ ...base, seq: 1, clientId: 'b' })).rejects.toThrow();
    await expect(handle.db.insert(messages).values({ ...base, seq: 2, clientId: 'a' })).rejects.toThrow();
    const rows = await handle.db.select().from(messages).where(eq(messages.conversationId, conversation.id));
    expect(rows).toHaveLength(1);
  });

  it('rolls a failed transaction back completely', async () => {
    const conversation = await conversationFixture();
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(messages).values({ conversationId: conversation.id, seq: 1, clientId: 'ok', authorKind: 'visitor', body: 'first' });
        await tx
          .insert(messages)
          .values({ conversationId: conversation.id, seq: 1, clientId: 'dup', authorKind: 'visitor', body: 'clash' });
      }),
    ).rejects.toThrow();
    const rows = await handle.db.select().from(messages).where(eq(messages.conversationId, conversation.id));
    expect(rows).toEqual([]);
  });
});
