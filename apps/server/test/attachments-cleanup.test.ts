import { randomUUID } from 'node:crypto';
import { attachments, jobs } from '@parley/db';
import type { Ack, AttachmentUpload, MessageSent } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UNSENT_ATTACHMENT_JOB } from '../src/attachments/service.js';
import { connectVisitor, createTenant, ok, request, SHOP_ORIGIN, startServer, type TestServer } from './helpers/server.js';
import type { Socket } from 'socket.io-client';

// An upload nobody sends is removed a day later by a job claimed in the database; a sent one stays.
let server: TestServer;
const sockets: Socket[] = [];
beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(async () => {
  await server?.close();
});

async function upload(visitor: Socket, name: string): Promise<string> {
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#cc6633' } })
    .png()
    .toBuffer();
  const prepared = ok(await request<Ack<AttachmentUpload>>(visitor, 'attachment:prepare', { name, size: bytes.length }));
  const response = await fetch(new URL(prepared.uploadPath, server.url), { method: 'PUT', headers: { origin: SHOP_ORIGIN }, body: bytes });
  expect(response.status).toBe(201);
  return prepared.attachmentId;
}

/** Makes the clean-up of these uploads due now, and runs due jobs of the organization until none is left. */
async function cleanUpNow(organizationId: string, ids: string[]): Promise<void> {
  await server.db.db
    .update(jobs)
    .set({ runAt: sql`now()` })
    .where(and(eq(jobs.kind, UNSENT_ATTACHMENT_JOB), sql`${jobs.key} in ${ids}`));
  while ((await server.app.jobs.runDue({ organizationIds: [organizationId] })) > 0);
}

describe('uploads never sent', () => {
  it('are removed with their bytes a day later, while a sent file stays', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const unsent = await upload(visitor, 'forgotten.png');
    const sent = await upload(visitor, 'sent.png');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'sent.png', attachments: [sent] }));

    const scheduled = await server.db.db.select().from(jobs).where(eq(jobs.kind, UNSENT_ATTACHMENT_JOB));
    const due = scheduled.filter((job) => job.key === unsent || job.key === sent);
    expect(due).toHaveLength(2);
    // A day ahead, by the clock of the process that prepared them.
    for (const job of due) expect(job.runAt.getTime() - Date.now()).toBeGreaterThan(23 * 60 * 60_000);

    const [before] = await server.db.db.select().from(attachments).where(eq(attachments.id, unsent));
    expect(await server.app.attachments.storage.get(before!.storageKey!)).not.toBeNull();
    await cleanUpNow(tenant.organization.id, [unsent, sent]);

    expect(await server.db.db.select().from(attachments).where(eq(attachments.id, unsent))).toEqual([]);
    expect(await server.app.attachments.storage.get(before!.storageKey!)).toBeNull();
    expect(await server.app.attachments.storage.get(before!.thumbnailKey!)).toBeNull();
    const [kept] = await server.db.db.select().from(attachments).where(eq(attachments.id, sent));
    expect(kept?.messageId).not.toBeNull();
    expect(await server.app.attachments.storage.get(kept!.storageKey!)).not.toBeNull();
  });
});
