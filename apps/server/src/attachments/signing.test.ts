import { describe, expect, it } from 'vitest';
import { createAttachmentSigner, FILE_URL_TTL_MS, UPLOAD_TICKET_TTL_MS } from './signing.js';

const signer = createAttachmentSigner('a-secret-of-at-least-thirty-two-characters');
const id = '5f0c8a52-3d1e-4b7a-9d55-0a8f2f7c9e14';
const now = 1_800_000_000_000;

describe('upload tickets', () => {
  it('name their attachment until they expire', () => {
    const { ticket, expiresAt } = signer.uploadTicket(id, now);
    expect(expiresAt.getTime()).toBe(now + UPLOAD_TICKET_TTL_MS);
    expect(ticket).toMatch(/^[\w.-]+$/);
    expect(signer.readUploadTicket(ticket, now)).toBe(id);
    expect(signer.readUploadTicket(ticket, now + UPLOAD_TICKET_TTL_MS)).toBe(id);
    expect(signer.readUploadTicket(ticket, now + UPLOAD_TICKET_TTL_MS + 1)).toBeNull();
  });

  it('are refused when any part is changed, or signed with another secret', () => {
    const { ticket } = signer.uploadTicket(id, now);
    const [ticketId, expires, signature] = ticket.split('.') as [string, string, string];
    const otherId = id.replace('5f0c', '6f0c');
    for (const forged of [
      `${otherId}.${expires}.${signature}`,
      `${ticketId}.${Number(expires) + 60_000}.${signature}`,
      `${ticketId}.${expires}.${signature.slice(0, -1)}A`,
      `${ticketId}.${expires}`,
      `${ticket}.extra`,
      '',
      '...',
    ]) {
      expect(signer.readUploadTicket(forged, now), forged).toBeNull();
    }
    expect(createAttachmentSigner('another-secret-of-at-least-thirty-two-chars').readUploadTicket(ticket, now)).toBeNull();
  });
});

describe('file URLs', () => {
  it('are valid for five minutes, for the variant they were signed for', () => {
    const { path, expiresAt } = signer.filePath(id, 'file', now);
    expect(expiresAt.getTime()).toBe(now + FILE_URL_TTL_MS);
    const url = new URL(path, 'https://chat.example.com');
    expect(url.pathname).toBe(`/api/files/${id}`);
    const expires = Number(url.searchParams.get('expires'));
    const signature = url.searchParams.get('signature')!;
    expect(url.searchParams.get('variant')).toBe('file');
    expect(signer.checkFileUrl(id, 'file', expires, signature, now)).toBe(true);
    expect(signer.checkFileUrl(id, 'file', expires, signature, now + FILE_URL_TTL_MS + 1)).toBe(false);
    // The thumbnail's signature doesn't open the file, nor another file, nor a later expiry.
    expect(signer.checkFileUrl(id, 'thumbnail', expires, signature, now)).toBe(false);
    expect(signer.checkFileUrl(id.replace('5f0c', '6f0c'), 'file', expires, signature, now)).toBe(false);
    expect(signer.checkFileUrl(id, 'file', expires + 1, signature, now)).toBe(false);
    expect(signer.checkFileUrl(id, 'file', Number.NaN, signature, now)).toBe(false);
  });

  it('and upload tickets never pass for each other', () => {
    const { ticket } = signer.uploadTicket(id, now);
    const [, expires, signature] = ticket.split('.') as [string, string, string];
    expect(signer.checkFileUrl(id, 'file', Number(expires), signature, now)).toBe(false);
  });
});
