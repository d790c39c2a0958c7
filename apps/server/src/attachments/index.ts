/**
 * The attachments domain: files visitors and agents send with their messages.
 * - `attachment:prepare` (visitor and agent sockets) and `POST /api/attachments` write a pending upload and hand out
 *   its ticket; `PUT /api/uploads/:ticket` takes the bytes, checked by content (`file-kind.ts`), stored on disk under the
 *   data folder or in an S3-compatible bucket (`storage.ts`), with a preview of an image (`thumbnail.ts`).
 * - `message:send` names uploaded files (the conversations domain claims them in its transaction: `service.ts`).
 * - `attachment:url` and `GET /api/attachments/:id/url` sign a five-minute URL for a file its reader may see;
 *   `GET /api/files/:id` serves the bytes for a valid signature only, inline for a raster image and as a download for
 *   anything else, never as HTML or SVG.
 * @module
 */
import {
  ATTACHMENT_MAX_BYTES,
  attachmentPrepareSchema,
  attachmentSchema,
  attachmentUploadSchema,
  attachmentUrlSchema,
  errorBodySchema,
  ParleyError,
  type AttachmentUpload,
  type AttachmentUrl,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { join } from 'node:path';
import { z } from 'zod';
import { actingAgentOf, organizationIdOf } from '../auth/caller.js';
import { createRateLimit } from '../plugins/rate-limit.js';
import { attachmentExample, attachmentUploadExample, attachmentUrlExample } from './api-examples.js';
import {
  prepareAttachment,
  readableAttachment,
  removeUnsentAttachment,
  storeAttachment,
  storedAttachment,
  UNSENT_ATTACHMENT_JOB,
  type Uploader,
} from './service.js';
import { extensionOf } from './file-kind.js';
import { createAttachmentSigner, type AttachmentSigner, type FileVariant } from './signing.js';
import { createDiskStorage, createS3Storage, type AttachmentStorage } from './storage.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where attachments' bytes are, and the signer of their URLs (the bot reads images it is shown). */
    attachments: { storage: AttachmentStorage; signer: AttachmentSigner };
  }
}

/** Prepared uploads per sender per minute: a visitor attaching a few photos is far below it. */
const PREPARES_PER_MINUTE = 20;

const fileQuerySchema = z.object({
  variant: z.enum(['file', 'thumbnail']).default('file'),
  expires: z.coerce.number().int(),
  signature: z.string().min(1).max(100),
});

/**
 * `Content-Disposition` for a download: an ASCII fallback name (RFC 6266) and the real one, percent-encoded (RFC 5987),
 * so that no name can break out of the header.
 */
function downloadDisposition(uploaded: string, contentType: string): string {
  // The extension is the content's, never the uploader's: text named `run.bat` downloads as `run.txt`, so no double
  // click on a download runs what someone typed.
  const stem = uploaded.replace(/\.[^.]*$/, '') || 'file';
  const name = `${stem}.${extensionOf(contentType)}`;
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

export const attachmentsPlugin = fp<{ secret: string }>(
  async function attachmentsPlugin(app: FastifyInstance, options: { secret: string }) {
    const { db, config } = app;
    const s3 = config.attachments.s3;
    const storage = s3 ? createS3Storage(s3) : createDiskStorage(join(config.dataDir, 'attachments'));
    const signer = createAttachmentSigner(options.secret);
    app.decorate('attachments', { storage, signer });
    app.jobs.handle(UNSENT_ATTACHMENT_JOB, async (job) => {
      await removeUnsentAttachment(db, storage, job.key);
    });
    const prepareLimit = createRateLimit(PREPARES_PER_MINUTE, 60, 'Too many files; try again in {seconds} s.');

    async function prepare(uploader: Uploader, file: z.output<typeof attachmentPrepareSchema>): Promise<AttachmentUpload> {
      await prepareLimit(`${uploader.kind}:${uploader.id}`);
      const attachmentId = await prepareAttachment(db, app.jobs, uploader, file);
      const { ticket, expiresAt } = signer.uploadTicket(attachmentId);
      return { attachmentId, uploadPath: `/api/uploads/${ticket}`, expiresAt: expiresAt.toISOString() };
    }

    async function signedUrls(reader: Uploader, attachmentId: string): Promise<AttachmentUrl> {
      const row = await readableAttachment(db, reader, attachmentId);
      const file = signer.filePath(row.id, 'file');
      return {
        path: file.path,
        thumbnailPath: row.thumbnailKey ? signer.filePath(row.id, 'thumbnail').path : null,
        expiresAt: file.expiresAt.toISOString(),
      };
    }

    app.visitorSocketExtensions.push((_socket, events, visitor) => {
      const uploader: Uploader = { organizationId: visitor.organizationId, kind: 'visitor', id: visitor.contactId };
      events.on('attachment:prepare', (payload) => prepare(uploader, payload));
      events.on('attachment:url', (payload) => signedUrls(uploader, payload.attachmentId));
    });
    app.agentSocketExtensions.push((socket, events) => {
      const { agent } = socket.data;
      const uploader: Uploader = { organizationId: agent.organizationId, kind: 'agent', id: agent.userId };
      events.on('attachment:prepare', (payload) => prepare(uploader, payload));
      events.on('attachment:url', (payload) => signedUrls(uploader, payload.attachmentId));
    });

    const api = app.withTypeProvider<ZodTypeProvider>();

    api.post(
      '/api/attachments',
      {
        config: {
          scope: 'conversations:write',
          example: { body: { name: 'receipt.pdf', size: 48_213 }, response: attachmentUploadExample },
        },
        preValidation: app.authenticate,
        schema: {
          body: attachmentPrepareSchema.extend({ asAgentId: z.uuid().optional() }),
          response: { 201: attachmentUploadSchema },
        },
      },
      async function prepareAttachmentRoute(request, reply) {
        const { asAgentId, ...file } = request.body;
        // An API token naming no agent uploads as itself: its messages may send the file as any agent they act for.
        const uploader: Uploader =
          request.apiToken && asAgentId === undefined
            ? { organizationId: request.apiToken.organizationId, kind: 'token', id: request.apiToken.id }
            : await actingAgentOf(db, request, asAgentId).then((agent) => ({
                organizationId: agent.organizationId,
                kind: 'agent' as const,
                id: agent.userId,
              }));
        return reply.code(201).send(await prepare(uploader, file));
      },
    );

    api.get(
      '/api/attachments/:attachmentId/url',
      {
        config: { scope: 'conversations:read', example: { response: attachmentUrlExample } },
        preValidation: app.authenticate,
        schema: { params: z.object({ attachmentId: z.uuid() }), response: { 200: attachmentUrlSchema } },
      },
      async function attachmentUrlRoute(request) {
        // Any file of the organization: the reader's id plays no part for agents (`readableAttachment`).
        return signedUrls(
          { organizationId: organizationIdOf(request), kind: 'agent', id: request.agent?.id ?? '' },
          request.params.attachmentId,
        );
      },
    );

    // The upload takes the raw bytes, whatever the browser calls them: the type is read from the content.
    await app.register(async function uploadRoutes(scope) {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES }, (_request, body, done) => done(null, body));
      // The ticket is the permission (like an S3 presigned URL), so any page may send it: the widget runs on the site's
      // origin. No cookies are involved, and the answer is only the file's description.
      scope.addHook('onRequest', async (request, reply) => {
        reply.header('access-control-allow-origin', '*');
        // The ticket is checked before the body is read: a bad or expired one costs no 10 MB of memory.
        const { ticket } = request.params as { ticket?: string };
        if (request.method === 'PUT' && (!ticket || !signer.readUploadTicket(ticket))) {
          throw new ParleyError('not_found', 'This upload link is invalid or has expired; prepare the upload again.');
        }
        if (request.method === 'OPTIONS') {
          reply.header('access-control-allow-methods', 'PUT');
          reply.header('access-control-allow-headers', 'content-type');
          reply.header('access-control-max-age', '600');
        }
      });
      const uploads = scope.withTypeProvider<ZodTypeProvider>();
      uploads.options('/api/uploads/:ticket', { schema: { hide: true }, config: { public: true } }, async (_request, reply) =>
        reply.code(204).send(),
      );
      uploads.put(
        '/api/uploads/:ticket',
        {
          config: { public: true, example: { response: attachmentExample } },
          schema: {
            params: z.object({ ticket: z.string().min(1).max(200) }),
            response: { 201: attachmentSchema, 400: z.object({ error: errorBodySchema }), 404: z.object({ error: errorBodySchema }) },
          },
        },
        async function uploadRoute(request, reply) {
          const attachmentId = signer.readUploadTicket(request.params.ticket);
          if (!attachmentId) throw new ParleyError('not_found', 'This upload link is invalid or has expired; prepare the upload again.');
          const bytes = request.body instanceof Uint8Array ? request.body : new Uint8Array();
          return reply.code(201).send(await storeAttachment(db, storage, attachmentId, bytes));
        },
      );
    });

    api.get(
      '/api/files/:attachmentId',
      {
        // Bytes, not JSON: described in docs/protocol.md rather than the OpenAPI document.
        schema: { hide: true, params: z.object({ attachmentId: z.uuid() }), querystring: fileQuerySchema },
        config: { public: true },
      },
      async function fileRoute(request, reply) {
        const { attachmentId } = request.params;
        const { variant, expires, signature } = request.query;
        if (!signer.checkFileUrl(attachmentId, variant as FileVariant, expires, signature)) {
          throw new ParleyError('not_found', 'This file link is invalid or has expired.');
        }
        const row = await storedAttachment(db, attachmentId);
        const key = variant === 'thumbnail' ? row?.thumbnailKey : row?.storageKey;
        const bytes = key ? await storage.get(key) : null;
        if (!row || !bytes) throw new ParleyError('not_found', 'File not found.');
        const inline = variant === 'thumbnail' || row.inline;
        reply
          .header('content-type', variant === 'thumbnail' ? 'image/webp' : (row.contentType ?? 'application/octet-stream'))
          .header('content-disposition', inline ? 'inline' : downloadDisposition(row.name, row.contentType ?? ''))
          // Nothing in a file may run: no sniffing into HTML, no scripts or frames even if opened directly.
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          // The widget shows images on the site's own origin.
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', 'private, max-age=300');
        return reply.send(Buffer.from(bytes));
      },
    );
  },
  { name: 'parley-attachments', dependencies: ['parley-conversations'] },
);
