import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { knowledgeChunks, knowledgeDocuments, knowledgePostings, knowledgeTerms, organizations } from '@parley/db';
import { and, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { importDocument, importDocuments, deleteDocument } from '../src/knowledge/import-document.js';
import { collectFiles, importFiles } from '../src/knowledge/import-files.js';
import { vacuumKnowledgeIndex } from '../src/knowledge/maintenance.js';
import { DocumentFormatError } from '../src/knowledge/parse-document.js';
import { searchKnowledge } from '../src/knowledge/search.js';
import { createAgent, createOrganization } from '../src/seed/accounts.js';
import { demoKnowledgeDir } from '../src/seed/demo.js';
import { createTenant, jsonOf, login, useTestServer } from './helpers/server.js';
import { expectConsistent, indexState } from './helpers/knowledge-index.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

const server = useTestServer();

async function newOrganization() {
  return createOrganization(server.db.db, `KB test ${randomUUID().slice(0, 8)}`);
}

async function demoOrganization() {
  const organization = await newOrganization();
  const { files } = await collectFiles([demoKnowledgeDir]);
  const summary = await importFiles(server.db.db, organization.id, files);
  expect(summary.failed).toEqual([]);
  await vacuumKnowledgeIndex(server.db);
  return organization;
}

async function admin() {
  const tenant = await createTenant(server);
  const email = `admin-${randomUUID().slice(0, 8)}@shop.example`;
  await createAgent(server.db.db, {
    organizationId: tenant.organization.id,
    email,
    name: 'Admin',
    password: tenant.password,
    role: 'admin',
  });
  const adminToken = (await login(server, email, tenant.password)).token;
  const agentToken = (await login(server, tenant.email, tenant.password)).token;
  return { tenant, adminToken, agentToken };
}

const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('knowledge base: import, re-import, delete', () => {
  it('skips an unchanged re-import, and replaces the chunks of a changed one', async () => {
    const organization = await newOrganization();
    const input = {
      organizationId: organization.id,
      sourceKey: 'help/shipping.md',
      format: 'markdown' as const,
      content: '# Shipping\n\n## Times\n\nParcels travel by albatross and arrive in three days.\n',
    };
    const first = await importDocument(server.db.db, input);
    expect(first).toMatchObject({ status: 'created', title: 'Shipping', chunkCount: 1 });
    expect(await importDocument(server.db.db, input)).toMatchObject({ status: 'unchanged', documentId: first.documentId });

    const changed = await importDocument(server.db.db, {
      ...input,
      content: '# Shipping\n\n## Times\n\nParcels travel by zeppelin now.\n\n## Costs\n\nFree.\n',
    });
    expect(changed).toMatchObject({ status: 'updated', documentId: first.documentId, chunkCount: 2 });
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'albatross' })).toEqual([]);
    const [hit] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'zeppelin' });
    expect(hit).toMatchObject({
      documentId: first.documentId,
      title: 'Shipping',
      headingPath: ['Times'],
      body: 'Parcels travel by zeppelin now.',
    });
    expectConsistent(await indexState(server.db.db, organization.id));
  });

  it('deletes a document with its chunks and index entries', async () => {
    const organization = await newOrganization();
    const kept = await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'a.txt',
      format: 'text',
      content: 'Kayaks float on lakes.',
    });
    const gone = await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'b.txt',
      format: 'text',
      content: 'Kayaks and canoes float on rivers.',
    });
    expect(await deleteDocument(server.db.db, organization.id, gone.documentId)).toBe(true);
    expect(await deleteDocument(server.db.db, organization.id, gone.documentId)).toBe(false);

    const hits = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'kayaks canoes rivers' });
    expect(hits.map((hit) => hit.documentId)).toEqual([kept.documentId]);
    const state = await indexState(server.db.db, organization.id);
    expect(state.chunks).toBe(1);
    expectConsistent(state);
    // The vocabulary keeps exactly the remaining chunk's words.
    const [remaining] = await server.db.db
      .select({ count: sql<number>`count(*)::int` })
      .from(knowledgeTerms)
      .where(and(eq(knowledgeTerms.organizationId, organization.id), gt(knowledgeTerms.documentFrequency, 0)));
    const [words] = await server.db.db
      .select({ count: sql<number>`length(${knowledgeChunks.searchVector})::int` })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.documentId, kept.documentId));
    expect(remaining!.count).toBe(words!.count);
  });

  it('leaves no postings behind when a document is replaced or deleted, nor when its organization is', async () => {
    // Postings have no foreign key to their chunk (it was a third of the cost of indexing): every path that deletes
    // chunks must delete their postings too.
    const orphans = async () => {
      const [row] = await server.db.db
        .select({ count: sql<number>`count(*)::int` })
        .from(knowledgePostings)
        .where(sql`not exists (select 1 from ${knowledgeChunks} c where c.id = ${knowledgePostings.chunkId})`);
      return row!.count;
    };
    const before = await orphans();
    const organization = await newOrganization();
    const input = { organizationId: organization.id, sourceKey: 'a.md', format: 'markdown' as const };
    const first = await importDocument(server.db.db, { ...input, content: '# Kayaks\n\nKayaks float on lakes.\n\n## Care\n\nRinse them.' });
    const replaced = await importDocument(server.db.db, { ...input, content: '# Kayaks\n\nKayaks float on rivers too.' });
    expect(replaced).toMatchObject({ status: 'updated', documentId: first.documentId, chunkCount: 1 });
    expect(await orphans()).toBe(before);
    expectConsistent(await indexState(server.db.db, organization.id));

    const other = await importDocument(server.db.db, { ...input, sourceKey: 'b.txt', format: 'text', content: 'Canoes float on rivers.' });
    expect(await deleteDocument(server.db.db, organization.id, first.documentId)).toBe(true);
    expect(await orphans()).toBe(before);
    expectConsistent(await indexState(server.db.db, organization.id));

    // A chunk deleted by a cascade (here, its organization's) takes its postings with it.
    expect((await indexState(server.db.db, organization.id)).postings).toBeGreaterThan(0);
    expect(other.chunkCount).toBe(1);
    await server.db.db.delete(organizations).where(eq(organizations.id, organization.id));
    expect(await orphans()).toBe(before);
  });

  it('imports a batch of documents: a bad one fails alone, a key given twice is written in order', async () => {
    const organization = await newOrganization();
    const document = (sourceKey: string, content: string) => ({
      organizationId: organization.id,
      sourceKey,
      format: 'markdown' as const,
      content,
    });
    await importDocument(server.db.db, document('kept.md', '# Kept\n\nLanterns glow all night.'));
    const results = await importDocuments(server.db.db, [
      document('tents.md', '# Tents\n\nTents pitch in minutes.'),
      document('empty.md', '# Only a title\n'),
      document('kept.md', '# Kept\n\nLanterns glow all night.'),
      document('stoves.md', '# Stoves\n\nStoves boil water fast.'),
      document('tents.md', '# Tents\n\nTents pitch in seconds.'),
      document('kept.md', '# Kept\n\nLanterns glow until dawn.'),
      document('kept.md', '# Kept\n\nLanterns glow all night.'),
    ]);
    expect(results.map((result) => (result.ok ? result.outcome.status : result.error.message))).toEqual([
      'created',
      'The document has no text to import.',
      'unchanged',
      'created',
      'updated',
      // Each version in turn, as if imported one by one: the last is the one first seen, but not unchanged any more.
      'updated',
      'updated',
    ]);
    const [tents] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'tents seconds' });
    expect(tents).toMatchObject({ sourceKey: 'tents.md', body: 'Tents pitch in seconds.' });
    const documents = await server.db.db
      .select({ sourceKey: knowledgeDocuments.sourceKey })
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.organizationId, organization.id))
      .orderBy(knowledgeDocuments.sourceKey);
    expect(documents.map((row) => row.sourceKey)).toEqual(['kept.md', 'stoves.md', 'tents.md']);
    const state = await indexState(server.db.db, organization.id);
    expect(state.chunks).toBe(3);
    expectConsistent(state);
  });

  it('re-indexes an unchanged document after the organization changes its language', async () => {
    const organization = await newOrganization();
    const input = {
      organizationId: organization.id,
      sourceKey: 'a.md',
      format: 'markdown' as const,
      content: '# Running\n\nRunners are running.',
    };
    expect((await importDocument(server.db.db, input)).status).toBe('created');
    await server.db.db.update(organizations).set({ knowledgeLanguage: 'simple' }).where(eq(organizations.id, organization.id));
    expect((await importDocument(server.db.db, input)).status).toBe('updated');
    // 'simple' does not stem: "runners" no longer finds "run".
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'run' })).toEqual([]);
    expect((await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'runners' }))[0]?.sourceKey).toBe('a.md');
  });

  it('imports a FAQ file with more rows than one insert statement can carry', async () => {
    const organization = await newOrganization();
    const rows = Array.from({ length: 7500 }, (_, index) =>
      JSON.stringify({ question: `Question ${index}?`, answer: `Answer number ${index}.` }),
    );
    const outcome = await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'big.jsonl',
      format: 'faq',
      content: rows.join('\n'),
    });
    expect(outcome).toMatchObject({ status: 'created', chunkCount: 7500 });
    expectConsistent(await indexState(server.db.db, organization.id));
  });

  it('writes nothing for a file that cannot be read, and says why', async () => {
    const organization = await newOrganization();
    const bad = { organizationId: organization.id, sourceKey: 'faq.csv', format: 'faq' as const, content: 'title,text\nno,answers\n' };
    await expect(importDocument(server.db.db, bad)).rejects.toThrow(DocumentFormatError);
    await expect(importDocument(server.db.db, { ...bad, format: 'text', content: '\u0000\u0001binary' })).rejects.toThrow(/NUL bytes/);
    await expect(importDocument(server.db.db, { ...bad, format: 'markdown', content: '# Only a title\n' })).rejects.toThrow(/no text/);
    const documents = await server.db.db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.organizationId, organization.id));
    expect(documents).toEqual([]);
  });

  it('imports a folder, reporting each bad file with its reason and importing the rest', async () => {
    const organization = await newOrganization();
    const folder = mkdtempSync(join(tmpdir(), 'parley-kb-'));
    writeFileSync(join(folder, 'good.md'), '# Good\n\nTents pitch in minutes.\n');
    writeFileSync(join(folder, 'broken.jsonl'), '{"question":"Q?","answer":"A."}\nnot json\n');
    writeFileSync(join(folder, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9])); // "café" in Latin-1
    writeFileSync(join(folder, 'notes.docx'), 'PK');
    const { files, skipped } = await collectFiles([folder]);
    expect(files.map((file) => file.sourceKey)).toEqual(['broken.jsonl', 'good.md', 'latin1.txt']);
    expect(skipped).toEqual([join(folder, 'notes.docx')]);

    const summary = await importFiles(server.db.db, organization.id, files);
    expect(summary).toMatchObject({ created: 1, updated: 0, unchanged: 0, chunks: 1 });
    expect(summary.failed.map((failure) => [failure.file.sourceKey, failure.ok ? '' : failure.reason])).toEqual([
      ['broken.jsonl', 'Line 2 is not valid JSON.'],
      ['latin1.txt', 'The file is not UTF-8 text.'],
    ]);
    const documents = await server.db.db
      .select({ sourceKey: knowledgeDocuments.sourceKey })
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.organizationId, organization.id));
    expect(documents).toEqual([{ sourceKey: 'good.md' }]);
  });
});

describe('knowledge base: search', () => {
  // Questions a shop's visitors ask, and the demo documents that answer each (the FAQ answers some in short).
  const questions: Array<[string, string[]]> = [
    ['How long does delivery take?', ['shipping.md', 'frequently-asked-questions.csv']],
    ['Do you ship to Canada?', ['shipping.md']],
    ['my package says delivered but it is not here', ['shipping.md']],
    ['How do I send something back?', ['returns.md', 'frequently-asked-questions.csv']],
    ['Can I exchange for a different size?', ['returns.md']],
    ['when will my money be returned', ['refunds.md', 'frequently-asked-questions.csv']],
    ['I paid with a gift card, how is the refund paid?', ['refunds.md']],
    ['Do you take PayPal?', ['payment.md', 'frequently-asked-questions.csv']],
    ['my card was declined', ['payment.md']],
    ['I forgot my password', ['account.md', 'frequently-asked-questions.csv']],
    ['How do I delete my account?', ['account.md']],
    ['how do I wash my sleeping bag', ['product-care.csv']],
    ['my tent zipper broke, can you repair it?', ['repairs.html']],
  ];

  it('finds the right document for support questions (recall floor on the demo knowledge base)', async () => {
    const organization = await demoOrganization();
    let first = 0;
    let inTopThree = 0;
    for (const [question, expected] of questions) {
      const hits = await searchKnowledge(server.db.db, { organizationId: organization.id, query: question, limit: 3 });
      if (expected.includes(hits[0]?.sourceKey ?? '')) first++;
      if (hits.some((hit) => expected.includes(hit.sourceKey))) inTopThree++;
    }
    // Lexical search can't know that "money back" means a refund: one miss in the top three is the floor.
    expect(inTopThree).toBeGreaterThanOrEqual(questions.length - 1);
    expect(first / questions.length).toBeGreaterThanOrEqual(0.8);
  });

  it('finds the right passage when words are misspelt', async () => {
    const organization = await demoOrganization();
    const [hit] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'retrun polcy' });
    expect(hit).toMatchObject({ sourceKey: 'returns.md', headingPath: ['Return policy'] });
    const [refund] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'refnud' });
    expect(refund?.sourceKey).toBe('refunds.md');
  });

  it('corrects a typo against the words as written, and leaves alone a real word the base lacks', async () => {
    const organization = await newOrganization();
    const articles = {
      'delivery.md': '# Delivery\n\nYour order is delivered within three days.',
      'formats.md': '# File formats\n\nUpload a file in any format you want.',
    };
    for (const [sourceKey, content] of Object.entries(articles)) {
      await importDocument(server.db.db, { organizationId: organization.id, sourceKey, format: 'markdown', content });
    }
    const search = (query: string) => searchKnowledge(server.db.db, { organizationId: organization.id, query });
    // "deliverd" is one edit from the word "delivered", three from its stem "deliv".
    expect((await search('my order was deliverd')).map((hit) => hit.sourceKey)).toEqual(['delivery.md']);
    // English words, not slips: "forgot" doesn't become "format", nor "wasnt" (wasn't) "want".
    expect(await search('forgot')).toEqual([]);
    expect(await search('wasnt')).toEqual([]);
    // A word of the base is no typo even where the dictionary lacks it.
    expect((await search('formats')).map((hit) => hit.sourceKey)).toEqual(['formats.md']);
  });

  it('returns the passage with its citation data, and its own link for a FAQ row', async () => {
    const organization = await demoOrganization();
    const [hit] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'store my tent' });
    expect(hit).toMatchObject({
      sourceKey: 'product-care.csv',
      headingPath: ['Product care', 'How should I store my tent?'],
      url: 'https://harborandpine.example/help/care/tents',
    });
    expect(hit!.coverage).toBeGreaterThan(0.5);
    expect(hit!.coverage).toBeLessThanOrEqual(1);
  });

  it('says so when nothing matches, and never shows another organization its documents', async () => {
    const organization = await demoOrganization();
    const other = await newOrganization();
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'quantum chromodynamics' })).toEqual([]);
    expect(await searchKnowledge(server.db.db, { organizationId: other.id, query: 'refund' })).toEqual([]);
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: '   ' })).toEqual([]);
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'the and of' })).toEqual([]);
    // A "word" far too long to be a typo is not looked up as one (levenshtein() refuses over 255 characters).
    expect(await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'returns'.repeat(40) })).toEqual([]);
  });

  it('ranks the article whose title asks the question above a sibling that repeats its words', async () => {
    const organization = await newOrganization();
    const articles = {
      'change-email.md':
        '# Change your email address\n\nOpen Settings, then Account, and type the new one. We send a confirmation link to it.',
      'email-notifications.md':
        '# Email notifications\n\nWe send an email for each new message. To change how often you get an email, or the address we email, open Notifications.',
    };
    for (const [sourceKey, content] of Object.entries(articles)) {
      await importDocument(server.db.db, { organizationId: organization.id, sourceKey, format: 'markdown', content });
    }
    // BM25 alone prefers the sibling (it says "email" five times); the title match decides.
    const hits = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'how do I change my email address' });
    expect(hits.map((hit) => hit.sourceKey)).toEqual(['change-email.md', 'email-notifications.md']);
  });

  it("reads a term's strongest postings first, whatever order they were indexed in", async () => {
    const organization = await newOrganization();
    // 150 long answers that mention "parcel" once, indexed first; then one short answer that is all about it.
    const filler = 'Our team answers within a day, on weekdays, and keeps every order in your account history for a year.';
    const weak = Array.from({ length: 150 }, (_, index) =>
      JSON.stringify({ question: `Question ${index}`, answer: `${filler} A parcel may be mentioned here. ${filler}` }),
    ).join('\n');
    await importDocument(server.db.db, { organizationId: organization.id, sourceKey: 'weak.jsonl', format: 'faq', content: weak });
    await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'strong.jsonl',
      format: 'faq',
      content: JSON.stringify({ question: 'Parcel?', answer: 'Parcel, parcel.' }),
    });
    // The smallest budget reads 100 of the term's 151 postings: the strong one must be among them.
    const [first] = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'parcel', postingsPerTerm: 1 });
    expect(first?.sourceKey).toBe('strong.jsonl');
  });

  it("shows the best few documents before a document's further passages", async () => {
    const organization = await newOrganization();
    const kayaks = await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'kayaks.md',
      format: 'markdown',
      content:
        '# Kayaks\n\n## Sea kayaks\n\nSea kayaks paddle far.\n\n## River kayaks\n\nRiver kayaks turn fast.\n\n## Kids kayaks\n\nKids kayaks are small.',
    });
    const canoes = await importDocument(server.db.db, {
      organizationId: organization.id,
      sourceKey: 'canoes.md',
      format: 'markdown',
      content: '# Canoes\n\nA canoe carries more than kayaks do, and the whole family fits in one.',
    });
    const search = (passagesPerDocument?: number) =>
      searchKnowledge(server.db.db, { organizationId: organization.id, query: 'kayaks', limit: 3, passagesPerDocument });
    expect((await search()).map((hit) => hit.documentId)).toEqual([kayaks.documentId, canoes.documentId, kayaks.documentId]);
    expect((await search(3)).map((hit) => hit.documentId)).toEqual([kayaks.documentId, kayaks.documentId, kayaks.documentId]);
  });
});

describe('knowledge base: REST API', () => {
  it('lets an admin import, list, search and delete documents', async () => {
    const { adminToken, agentToken } = await admin();
    const content = readFileSync(join(demoKnowledgeDir, 'returns.md'), 'utf8');
    const created = await call(adminToken, 'POST', '/api/knowledge/documents', {
      sourceKey: 'returns.md',
      format: 'markdown',
      content,
      url: 'https://shop.example/returns',
    });
    expect(created.status).toBe(200);
    const result = await jsonOf(created);
    expect(result).toMatchObject({
      status: 'created',
      document: { sourceKey: 'returns.md', title: 'Returns and exchanges', format: 'markdown', url: 'https://shop.example/returns' },
    });
    expect(result.document.chunkCount).toBeGreaterThan(3);

    const again = await jsonOf(
      await call(adminToken, 'POST', '/api/knowledge/documents', {
        sourceKey: 'returns.md',
        format: 'markdown',
        content,
        url: 'https://shop.example/returns',
      }),
    );
    expect(again.status).toBe('unchanged');

    const list = await jsonOf(await call(agentToken, 'GET', '/api/knowledge/documents'));
    expect(list.documents.map((document: { id: string }) => document.id)).toEqual([result.document.id]);

    const search = await jsonOf(await call(agentToken, 'GET', `/api/knowledge/search?q=${encodeURIComponent('exchange a size')}&limit=2`));
    expect(search.hits[0]).toMatchObject({
      documentId: result.document.id,
      headingPath: ['Exchanges'],
      url: 'https://shop.example/returns',
    });
    expect(search.hits.length).toBeLessThanOrEqual(2);

    expect((await call(agentToken, 'DELETE', `/api/knowledge/documents/${result.document.id}`)).status).toBe(403);
    expect((await call(adminToken, 'DELETE', `/api/knowledge/documents/${result.document.id}`)).status).toBe(204);
    expect((await call(adminToken, 'DELETE', `/api/knowledge/documents/${result.document.id}`)).status).toBe(404);
    expect((await jsonOf(await call(agentToken, 'GET', '/api/knowledge/documents'))).documents).toEqual([]);
  });

  it('answers bad input with typed errors and writes nothing', async () => {
    const { adminToken, agentToken } = await admin();
    const forbidden = await call(agentToken, 'POST', '/api/knowledge/documents', {
      sourceKey: 'a.md',
      format: 'markdown',
      content: 'Hello.',
    });
    expect(forbidden.status).toBe(403);
    expect((await jsonOf(forbidden)).error.code).toBe('forbidden');

    const invalid = await call(adminToken, 'POST', '/api/knowledge/documents', {
      sourceKey: '',
      format: 'pdf',
      content: 'x',
      url: 'javascript:alert(1)',
    });
    expect(invalid.status).toBe(400);
    const body = await jsonOf(invalid);
    expect(body.error.code).toBe('invalid_payload');
    // A PDF comes as base64 in contentBase64, not as text in content.
    expect(body.error.issues.map((issue: { path: string }) => issue.path).toSorted()).toEqual([
      'body.content',
      'body.contentBase64',
      'body.sourceKey',
      'body.url',
    ]);

    const unreadable = await call(adminToken, 'POST', '/api/knowledge/documents', {
      sourceKey: 'faq.csv',
      format: 'faq',
      content: 'a,b\n1,2\n',
    });
    expect(unreadable.status).toBe(422);
    expect((await jsonOf(unreadable)).error).toMatchObject({
      code: 'invalid_document',
      message: expect.stringContaining('faq.csv: A FAQ CSV file needs'),
    });

    expect((await call(adminToken, 'GET', '/api/knowledge/search?q=')).status).toBe(400);
    expect((await jsonOf(await call(agentToken, 'GET', '/api/knowledge/documents'))).documents).toEqual([]);
    expect((await fetch(`${server.url}/api/knowledge/documents`)).status).toBe(401);
  });

  it('keeps every naughty string as a title, and answers each as a search with results or a typed error', async () => {
    const { adminToken } = await admin();
    const naughty: string[] = naughtyStrings();
    let titled = 0;
    for (const [index, text] of naughty.entries()) {
      const search = await call(adminToken, 'GET', `/api/knowledge/search?q=${encodeURIComponent(text)}`);
      if (search.status === 200) expect(Array.isArray((await jsonOf(search)).hits)).toBe(true);
      else {
        expect(search.status).toBe(400);
        expect((await jsonOf(search)).error.code).toBe('invalid_payload');
        expect(text.trim()).toBe('');
      }
      if (index % 4 !== 0) continue; // a quarter of the list as titles keeps the test quick; the list is 500 strings
      const imported = await call(adminToken, 'POST', '/api/knowledge/documents', {
        sourceKey: `n${index}`,
        format: 'text',
        content: 'Naughty strings as titles.',
        title: text,
      });
      if (imported.status === 200) {
        expect((await jsonOf(imported)).document.title).toBe(text);
        titled++;
      } else {
        expect(imported.status).toBe(400);
        expect((await jsonOf(imported)).error.code).toBe('invalid_payload');
        expect(text.trim()).toBe('');
      }
    }
    expect(titled).toBeGreaterThan(naughty.length / 4 - 10);
  });
});
