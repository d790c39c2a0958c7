/**
 * Attachments in the database: preparing an upload, storing its bytes (checked by content), claiming uploaded files for
 * the message that sends them, and who may read a file. The conversations domain calls {@link claimAttachments} and
 * {@link attachToMessage} inside its send transactions; the rest serves this domain's routes and socket events.
 * @module
 */
import { attachments, conversations, type Database, type Transaction } from '@parley/db';
import { ParleyError, type Attachment, type AttachmentPrepare } from '@parley/protocol';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { detectFileKind } from './file-kind.js';
import type { Jobs } from '../plugins/jobs.js';
import type { AttachmentStorage } from './storage.js';
import { makeThumbnail } from './thumbnail.js';

type AttachmentRow = typeof attachments.$inferSelect;

/**
 * Who uploads, sends or reads a file, in an organization: a visitor (their contact id), an agent (their user id), or an
 * API token (its id: an integration that sends as the agents it names).
 */
export interface Uploader {
  organizationId: string;
  kind: 'visitor' | 'agent' | 'token';
  id: string;
}

/** A stored row as a message carries it. */
export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType ?? 'application/octet-stream',
    size: row.size,
    inline: row.inline,
    thumbnail: row.thumbnailKey !== null,
  };
}

/** The job that removes an upload nobody sent (its key: the attachment's id). */
export const UNSENT_ATTACHMENT_JOB = 'attachment-unsent';
/** How long an uploaded file may wait for the message that sends it before it is removed. */
export const UNSENT_ATTACHMENT_TTL_MS = 24 * 60 * 60_000;

/**
 * Writes the pending row of a prepared upload (its id goes into the upload ticket), and in the same transaction the
 * job that removes it if no message has sent it a day later: a file attached and never sent doesn't stay.
 */
export async function prepareAttachment(db: Database, jobs: Jobs, uploader: Uploader, file: AttachmentPrepare): Promise<string> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(attachments)
      .values({
        organizationId: uploader.organizationId,
        uploaderKind: uploader.kind,
        uploaderId: uploader.id,
        name: file.name,
        size: file.size,
      })
      .returning({ id: attachments.id });
    const runAt = new Date(Date.now() + UNSENT_ATTACHMENT_TTL_MS);
    await jobs.schedule(tx, { organizationId: uploader.organizationId, kind: UNSENT_ATTACHMENT_JOB, key: row!.id, runAt });
    return row!.id;
  });
}

/**
 * Removes an upload if no message has sent it (the job {@link UNSENT_ATTACHMENT_JOB}): its row first, under its lock so
 * that a send claiming it meanwhile either wins (and the file stays) or finds nothing to claim, then its bytes.
 */
export async function removeUnsentAttachment(db: Database, storage: AttachmentStorage, attachmentId: string): Promise<boolean> {
  const removed = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(attachments)
      .where(and(eq(attachments.id, attachmentId), isNull(attachments.messageId)))
      .for('update');
    if (!row) return null;
    await tx.delete(attachments).where(eq(attachments.id, row.id));
    return row;
  });
  if (!removed) return false;
  for (const key of [removed.storageKey, removed.thumbnailKey]) if (key) await storage.delete(key);
  return true;
}

/**
 * Stores the bytes of a prepared upload: the file must be what its bytes say and on the allowlist (`file-kind.ts`),
 * no larger than was declared, and uploaded once. The bytes go to storage before the row says `stored`, so a stored row
 * always has its bytes; a failure leaves the row pending (and the bytes, if any, to the clean-up).
 */
export async function storeAttachment(
  db: Database,
  storage: AttachmentStorage,
  attachmentId: string,
  bytes: Uint8Array,
): Promise<Attachment> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, attachmentId));
  if (!row) throw new ParleyError('not_found', 'This upload does not exist.');
  if (row.status !== 'pending') throw new ParleyError('conflict', 'This file was uploaded already.');
  if (bytes.length === 0) {
    throw new ParleyError('invalid_payload', 'The file is empty.', { issues: [{ path: 'file', message: 'The file is empty.' }] });
  }
  if (bytes.length > row.size) {
    throw new ParleyError('invalid_payload', 'The file is larger than was declared.', {
      issues: [{ path: 'file', message: `The file has ${bytes.length} bytes; ${row.size} were declared.` }],
    });
  }
  const kind = await detectFileKind(bytes);
  if (!kind) {
    throw new ParleyError('invalid_payload', 'This type of file is not accepted.', {
      issues: [{ path: 'file', message: 'Images, PDFs, office documents, archives, audio, video and text files only.' }],
    });
  }
  // One upload per ticket writes the bytes: two at once would write one key, and the row could end up describing the
  // other's file. The row is taken first (`storing`); a failure gives it back.
  const [taken] = await db
    .update(attachments)
    .set({ status: 'storing' })
    .where(and(eq(attachments.id, row.id), eq(attachments.status, 'pending')))
    .returning({ id: attachments.id });
  if (!taken) throw new ParleyError('conflict', 'This file was uploaded already.');
  try {
    const storageKey = `${row.organizationId}/${row.id}`;
    await storage.put(storageKey, bytes, kind.contentType);
    const preview = kind.inline ? await makeThumbnail(bytes) : null;
    const thumbnailKey = preview ? `${storageKey}.thumbnail` : null;
    if (preview && thumbnailKey) await storage.put(thumbnailKey, preview, 'image/webp');
    const [stored] = await db
      .update(attachments)
      .set({ status: 'stored', size: bytes.length, contentType: kind.contentType, inline: kind.inline, storageKey, thumbnailKey })
      .where(eq(attachments.id, row.id))
      .returning();
    return toAttachment(stored!);
  } catch (error) {
    await db.update(attachments).set({ status: 'pending' }).where(eq(attachments.id, row.id));
    throw error;
  }
}

/**
 * Locks the uploaded files a message names, for the transaction that writes it: each must be stored, not sent yet, and
 * uploaded by one of `senders` (the agent, and the API token it writes through). Refused whole with `invalid_payload`
 * otherwise, so a message never goes out with some of its files.
 */
export async function claimAttachments(tx: Transaction, senders: readonly Uploader[], ids: readonly string[]): Promise<Attachment[]> {
  const rows = await tx
    .select()
    .from(attachments)
    .where(
      and(
        inArray(attachments.id, [...ids]),
        eq(attachments.organizationId, senders[0]!.organizationId),
        or(...senders.map((sender) => and(eq(attachments.uploaderKind, sender.kind), eq(attachments.uploaderId, sender.id)))),
        eq(attachments.status, 'stored'),
        isNull(attachments.messageId),
      ),
    )
    .for('update');
  if (rows.length !== ids.length) {
    throw new ParleyError('invalid_payload', 'A file is not uploaded yet, was sent already, or is not yours.', {
      issues: [{ path: 'attachments', message: 'Upload each file first, and send it once.' }],
    });
  }
  // In the order the message names them.
  return ids.map((id) => toAttachment(rows.find((row) => row.id === id)!));
}

/** Ties claimed files to the message that sent them (and its conversation, whose readers may then read them). */
export async function attachToMessage(tx: Transaction, ids: readonly string[], messageId: string, conversationId: string): Promise<void> {
  await tx
    .update(attachments)
    .set({ messageId, conversationId })
    .where(inArray(attachments.id, [...ids]));
}

/**
 * A stored file the reader may see: an agent or an API token, any file of their organization; a visitor, the files of their
 * conversations and the ones they uploaded themselves (before sending). Anything else is `not_found`.
 */
export async function readableAttachment(db: Database, reader: Uploader, attachmentId: string): Promise<AttachmentRow> {
  const [found] = await db
    .select({ attachment: attachments, contactId: conversations.contactId })
    .from(attachments)
    .leftJoin(conversations, eq(conversations.id, attachments.conversationId))
    .where(and(eq(attachments.id, attachmentId), eq(attachments.organizationId, reader.organizationId), eq(attachments.status, 'stored')));
  const visible =
    found &&
    (reader.kind !== 'visitor' ||
      found.contactId === reader.id ||
      (found.attachment.uploaderKind === 'visitor' && found.attachment.uploaderId === reader.id));
  if (!visible) throw new ParleyError('not_found', 'File not found.');
  return found.attachment;
}

/** A stored file by id, for the signed-URL route (the signature is the permission). */
export async function storedAttachment(db: Database, attachmentId: string): Promise<AttachmentRow | undefined> {
  const [row] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, attachmentId), eq(attachments.status, 'stored')));
  return row;
}
