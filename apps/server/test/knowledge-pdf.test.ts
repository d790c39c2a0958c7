import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { knowledgeChunks, knowledgeDocuments } from '@parley/db';
import { KNOWLEDGE_PDF_MAX_BYTES, type Ack, type Message, type MessageSent } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import { collectFiles, importFiles } from '../src/knowledge/import-files.js';
import { searchKnowledge } from '../src/knowledge/search.js';
import { createOrganization } from '../src/seed/accounts.js';
import { makePdf, type PdfPage } from './helpers/pdf.js';
import { apiRequest, connectVisitor, jsonOf, nextEvent, ok, request, useTestServer, createTenantWithAdmin } from './helpers/server.js';

// PDFs in the knowledge base end to end: uploaded through the REST API as base64 or imported as files, searched with
// their page, and cited with it by the bot (the offline answerer: no ANTHROPIC_API_KEY here).
const server = useTestServer();

/** A three-page manual whose second page holds the lint filter passage. */
const manualPages: PdfPage[] = [
  {
    heading: 'Installation',
    paragraphs: [['Unpack the dryer and remove the four transport bolts from', 'the back panel before you plug it in.']],
  },
  {
    heading: 'Lint filter',
    paragraphs: [
      ['Clean the lint filter after every drying cycle: a clogged filter makes', 'the drum overheat and the cycle take twice as long.'],
    ],
  },
  { heading: 'Warranty', paragraphs: [['The motor is covered for ten years from the date of purchase.']] },
];

const manualPdf = () => makePdf(manualPages, { title: 'Dryer DX-300 manual', runningHeader: 'DX-300 User manual', pageNumbers: true });
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function admin() {
  const tenant = await createTenantWithAdmin(server, { bot: { enabled: true } });
  return { tenant, token: tenant.adminToken };
}

const upload = (token: string, body: Record<string, unknown>) => apiRequest(server, '/api/knowledge/documents', token, 'POST', body);

/** The issues of a 400 `invalid_payload` answer, as "path: message". */
async function issues(response: Response): Promise<string[]> {
  expect(response.status).toBe(400);
  const { error } = await jsonOf(response);
  expect(error.code).toBe('invalid_payload');
  return error.issues.map((issue: { path: string; message: string }) => `${issue.path}: ${issue.message}`);
}

describe('PDF documents through the REST API', () => {
  it('imports a PDF sent as base64, and search finds a passage with its page and a link to the page', async () => {
    const { token } = await admin();
    const bytes = await manualPdf();
    const body = {
      sourceKey: 'manuals/dx-300.pdf',
      format: 'pdf',
      contentBase64: base64(bytes),
      url: 'https://shop.example/manuals/dx-300.pdf',
    };
    const created = await upload(token, body);
    expect(created.status).toBe(200);
    const result = await jsonOf(created);
    expect(result).toMatchObject({
      status: 'created',
      warnings: [],
      document: { sourceKey: 'manuals/dx-300.pdf', format: 'pdf', title: 'Dryer DX-300 manual', chunkCount: 3 },
    });
    // The same bytes again: nothing to do.
    expect((await jsonOf(await upload(token, body))).status).toBe('unchanged');

    const chunks = await jsonOf(await apiRequest(server, `/api/knowledge/documents/${result.document.id}/chunks`, token));
    expect(chunks.chunks.map((chunk: { page: number; body: string }) => [chunk.page, chunk.body])).toEqual([
      [1, 'Installation Unpack the dryer and remove the four transport bolts from the back panel before you plug it in.'],
      [
        2,
        'Lint filter Clean the lint filter after every drying cycle: a clogged filter makes the drum overheat and the cycle take twice as long.',
      ],
      [3, 'Warranty The motor is covered for ten years from the date of purchase.'],
    ]);

    const search = await jsonOf(await apiRequest(server, `/api/knowledge/search?q=${encodeURIComponent('clogged lint filter')}`, token));
    expect(search.hits[0]).toMatchObject({
      documentId: result.document.id,
      title: 'Dryer DX-300 manual',
      page: 2,
      url: 'https://shop.example/manuals/dx-300.pdf#page=2',
      body: expect.stringContaining('a clogged filter makes the drum overheat'),
    });
  });

  it('names a PDF without a Title after its file, and a Markdown hit has no page', async () => {
    const { tenant, token } = await admin();
    const untitled = await makePdf(manualPages.slice(2));
    const result = await jsonOf(await upload(token, { sourceKey: 'warranty-terms.pdf', format: 'pdf', contentBase64: base64(untitled) }));
    expect(result.document).toMatchObject({ title: 'Warranty terms', url: null });
    await importDocument(server.db.db, {
      organizationId: tenant.organization.id,
      sourceKey: 'motor.md',
      format: 'markdown',
      content: '# Motor care\n\nKeep the motor vents free of dust.\n',
    });
    const hits = await searchKnowledge(server.db.db, { organizationId: tenant.organization.id, query: 'motor' });
    expect(hits.map((hit) => [hit.title, hit.page, hit.url])).toEqual(
      expect.arrayContaining([
        ['Warranty terms', 1, null],
        ['Motor care', null, null],
      ]),
    );
  });

  it('refuses content for a PDF, base64 for text, bad base64 and a PDF over the limit, with typed errors', async () => {
    const { token } = await admin();
    expect(await issues(await upload(token, { sourceKey: 'a.pdf', format: 'pdf', content: '%PDF-1.7' }))).toEqual([
      'body.contentBase64: A PDF is sent base64-encoded in contentBase64.',
      'body.content: A PDF is sent base64-encoded in contentBase64, not as text in content.',
    ]);
    expect(await issues(await upload(token, { sourceKey: 'a.md', format: 'markdown', content: '# A', contentBase64: 'QQ==' }))).toEqual([
      'body.contentBase64: contentBase64 is for PDFs (format "pdf"); send the text of this format in content.',
    ]);
    expect(await issues(await upload(token, { sourceKey: 'a.pdf', format: 'pdf', contentBase64: 'not base64!' }))).toEqual([
      'body.contentBase64: contentBase64 is not valid base64.',
    ]);
    const tooLarge = 'A'.repeat(Math.ceil(KNOWLEDGE_PDF_MAX_BYTES / 3) * 4 + 4);
    expect(await issues(await upload(token, { sourceKey: 'a.pdf', format: 'pdf', contentBase64: tooLarge }))).toEqual([
      'body.contentBase64: The PDF is larger than the 20 MB a document may have: split it, or import it with the CLI.',
    ]);
    expect((await jsonOf(await apiRequest(server, '/api/knowledge/documents', token))).documents).toEqual([]);
  });

  it.each([
    ['a password-protected PDF', () => makePdf(manualPages, { userPassword: 'secret' }), 'a.pdf: The PDF is protected by a password'],
    ['a scanned PDF', () => makePdf([{ scanned: true }]), 'a.pdf: The PDF has no text to import: its pages are images'],
    ['a file that is not a PDF', async () => new TextEncoder().encode('Just text.'), 'a.pdf: The file is not a PDF'],
  ])('answers %s with invalid_document and its reason, writing nothing', async (_name, bytes, reason) => {
    const { tenant, token } = await admin();
    const response = await upload(token, { sourceKey: 'a.pdf', format: 'pdf', contentBase64: base64(await bytes()) });
    expect(response.status).toBe(422);
    expect((await jsonOf(response)).error).toMatchObject({ code: 'invalid_document', message: expect.stringContaining(reason) });
    const documents = await server.db.db
      .select()
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.organizationId, tenant.organization.id));
    expect(documents).toEqual([]);
  });
});

describe('PDF documents in the bot’s replies', () => {
  it('cites the page of a PDF in the widget, with a link to the page', async () => {
    const { tenant, token } = await admin();
    await upload(token, {
      sourceKey: 'dx-300.pdf',
      format: 'pdf',
      contentBase64: base64(await manualPdf()),
      url: 'https://shop.example/manuals/dx-300.pdf',
    });
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'p1', body: 'How often should I clean the lint filter?' }));
    const message = await reply;
    await server.app.bot.idle();
    visitor.close();
    expect(message.body).toContain('Clean the lint filter after every drying cycle');
    expect(message.citations).toEqual([
      expect.objectContaining({
        title: 'Dryer DX-300 manual',
        section: '',
        page: 2,
        url: 'https://shop.example/manuals/dx-300.pdf#page=2',
      }),
    ]);
  });
});

describe('PDF files through kb import', () => {
  it('imports .pdf files of a folder as bytes, with URLs that keep .pdf, and reports a broken one by name', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'parley-pdf-'));
    mkdirSync(join(folder, 'manuals'));
    writeFileSync(join(folder, 'manuals', 'dx-300.pdf'), await manualPdf());
    writeFileSync(join(folder, 'manuals', 'broken.pdf'), (await manualPdf()).slice(0, 600));
    writeFileSync(join(folder, 'returns.md'), '# Returns\n\nReturn unused items within 30 days.\n');
    const organization = await createOrganization(server.db.db, `PDF import ${randomUUID().slice(0, 8)}`);
    const { files } = await collectFiles([folder]);
    expect(files.map((file) => file.sourceKey)).toEqual(['manuals/broken.pdf', 'manuals/dx-300.pdf', 'returns.md']);

    const summary = await importFiles(server.db.db, organization.id, files, { baseUrl: 'https://shop.example/help/' });
    expect(summary).toMatchObject({ created: 2, chunks: 4 });
    expect(summary.failed.map((failure) => [failure.file.sourceKey, !failure.ok && failure.reason])).toEqual([
      ['manuals/broken.pdf', expect.stringMatching(/^The PDF is damaged and can’t be read/)],
    ]);
    const [document] = await server.db.db
      .select()
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.organizationId, organization.id), eq(knowledgeDocuments.sourceKey, 'manuals/dx-300.pdf')));
    expect(document).toMatchObject({ format: 'pdf', url: 'https://shop.example/help/manuals/dx-300.pdf' });
    const pages = await server.db.db
      .select({ page: knowledgeChunks.page })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.documentId, document!.id))
      .orderBy(asc(knowledgeChunks.position));
    expect(pages.map((chunk) => chunk.page)).toEqual([1, 2, 3]);
    const [hit] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'warranty motor years' });
    expect(hit).toMatchObject({ page: 3, url: 'https://shop.example/help/manuals/dx-300.pdf#page=3' });
  });
});
