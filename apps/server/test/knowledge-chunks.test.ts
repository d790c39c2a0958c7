import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonOf, useTestServer, createTenantWithAdmin } from './helpers/server.js';

const server = useTestServer();

/** An organization with an admin, who imports, and an agent, who only reads. */
const organization = () => createTenantWithAdmin(server);

const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const shipping = [
  '# Shipping and delivery',
  '',
  'We ship from Portland.',
  '',
  '## Times',
  '',
  'Parcels arrive in three days.',
  '',
  '### Islands',
  '',
  'Islands take a week: the ferry sails on Mondays.',
  '',
  '## Costs',
  '',
  'Free above 50 euros.',
  '',
].join('\n');

describe('GET /api/knowledge/documents/:documentId/chunks', () => {
  it("shows any agent a document's chunks in order, with their sections", async () => {
    const { adminToken, agentToken } = await organization();
    const imported = await jsonOf(
      await call(adminToken, 'POST', '/api/knowledge/documents', { sourceKey: 'help/shipping.md', format: 'markdown', content: shipping }),
    );
    const documentId: string = imported.document.id;

    const response = await call(agentToken, 'GET', `/api/knowledge/documents/${documentId}/chunks`);
    expect(response.status).toBe(200);
    const body = await jsonOf(response);
    expect(body.document).toMatchObject({
      id: documentId,
      sourceKey: 'help/shipping.md',
      title: 'Shipping and delivery',
      format: 'markdown',
    });
    expect(body.chunks.map((chunk: { position: number }) => chunk.position)).toEqual([...body.chunks.keys()]);
    expect(body.chunks.length).toBe(body.document.chunkCount);
    expect(body.chunks.map(({ headingPath, body: text }: { headingPath: string[]; body: string }) => ({ headingPath, text }))).toEqual([
      { headingPath: [], text: 'We ship from Portland.' },
      { headingPath: ['Times'], text: 'Parcels arrive in three days.' },
      { headingPath: ['Times', 'Islands'], text: 'Islands take a week: the ferry sails on Mondays.' },
      { headingPath: ['Costs'], text: 'Free above 50 euros.' },
    ]);
    for (const chunk of body.chunks) {
      expect(chunk).toEqual({
        id: expect.any(Number),
        position: expect.any(Number),
        headingPath: expect.any(Array),
        body: expect.any(String),
        url: null,
        // A Markdown document has no pages; a PDF's chunks carry theirs (knowledge-pdf.test.ts).
        page: null,
        characterCount: chunk.body.length,
      });
    }
    expect(body.chunks.reduce((sum: number, chunk: { characterCount: number }) => sum + chunk.characterCount, 0)).toBe(
      body.document.characterCount,
    );
  });

  it("answers not_found for another organization's document or an unknown one, invalid_payload for a bad id", async () => {
    const owner = await organization();
    const other = await organization();
    const imported = await jsonOf(
      await call(owner.adminToken, 'POST', '/api/knowledge/documents', { sourceKey: 'a.txt', format: 'text', content: 'Kayaks float.' }),
    );

    for (const path of [`/api/knowledge/documents/${imported.document.id}/chunks`, `/api/knowledge/documents/${randomUUID()}/chunks`]) {
      const response = await call(other.agentToken, 'GET', path);
      expect(response.status).toBe(404);
      expect((await jsonOf(response)).error.code).toBe('not_found');
    }

    const invalid = await call(owner.agentToken, 'GET', '/api/knowledge/documents/not-a-uuid/chunks');
    expect(invalid.status).toBe(400);
    expect((await jsonOf(invalid)).error).toMatchObject({
      code: 'invalid_payload',
      issues: [expect.objectContaining({ path: 'params.documentId' })],
    });

    const anonymous = await fetch(`${server.url}/api/knowledge/documents/${imported.document.id}/chunks`);
    expect(anonymous.status).toBe(401);
    expect((await jsonOf(anonymous)).error.code).toBe('unauthorized');
  });
});
