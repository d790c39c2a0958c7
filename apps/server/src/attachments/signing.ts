/**
 * Short-lived capabilities for attachments, signed with a key derived from the server's secret (HMAC-SHA256): an
 * upload ticket (the path a prepared upload goes to) and a file URL (the only way to read a file's bytes). Neither
 * needs a session: holding the unexpired, unaltered string is the permission, as with an S3 presigned URL.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a prepared upload may wait for its bytes. */
export const UPLOAD_TICKET_TTL_MS = 10 * 60_000;
/** How long a signed file URL works: ask for another after (`attachment:url`). */
export const FILE_URL_TTL_MS = 5 * 60_000;

/** Which bytes of a file a URL reads: the file, or its image's preview. */
export type FileVariant = 'file' | 'thumbnail';

/** Signs and checks the capabilities; the secret never leaves it. */
export interface AttachmentSigner {
  /** An upload ticket for `attachmentId`: `<id>.<expires>.<signature>`, URL-safe. */
  uploadTicket(attachmentId: string, now?: number): { ticket: string; expiresAt: Date };
  /** The attachment id of a valid, unexpired ticket; null otherwise. */
  readUploadTicket(ticket: string, now?: number): string | null;
  /** The signed path of a file's bytes: `/api/files/<id>?variant=…&expires=…&signature=…`. */
  filePath(attachmentId: string, variant: FileVariant, now?: number): { path: string; expiresAt: Date };
  /** Whether a file URL's parts are valid and unexpired. */
  checkFileUrl(attachmentId: string, variant: FileVariant, expires: number, signature: string, now?: number): boolean;
}

/** Whether two signatures are the same, in time that doesn't tell how much of them matched. */
function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signer for `secret` (the server's `PARLEY_SECRET` or generated secret). */
export function createAttachmentSigner(secret: string): AttachmentSigner {
  // A key of its own: a signature made here can't pass for a token signed elsewhere with the secret.
  const key = createHmac('sha256', secret).update('parley attachments v1').digest();
  const sign = (text: string) => createHmac('sha256', key).update(text).digest('base64url');

  return {
    uploadTicket(attachmentId, now = Date.now()) {
      const expires = now + UPLOAD_TICKET_TTL_MS;
      return { ticket: `${attachmentId}.${expires}.${sign(`upload:${attachmentId}:${expires}`)}`, expiresAt: new Date(expires) };
    },
    readUploadTicket(ticket, now = Date.now()) {
      const [attachmentId, expiresText, signature, ...rest] = ticket.split('.');
      if (!attachmentId || !expiresText || !signature || rest.length > 0) return null;
      const expires = Number(expiresText);
      if (!Number.isSafeInteger(expires) || expires < now) return null;
      return same(signature, sign(`upload:${attachmentId}:${expires}`)) ? attachmentId : null;
    },
    filePath(attachmentId, variant, now = Date.now()) {
      const expires = now + FILE_URL_TTL_MS;
      const signature = sign(`file:${attachmentId}:${variant}:${expires}`);
      return {
        path: `/api/files/${attachmentId}?variant=${variant}&expires=${expires}&signature=${signature}`,
        expiresAt: new Date(expires),
      };
    },
    checkFileUrl(attachmentId, variant, expires, signature, now = Date.now()) {
      return Number.isSafeInteger(expires) && expires >= now && same(signature, sign(`file:${attachmentId}:${variant}:${expires}`));
    },
  };
}
