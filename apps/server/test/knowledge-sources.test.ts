import { randomUUID } from 'node:crypto';
import { jobs, knowledgeDocuments } from '@parley/db';
import type { KnowledgeSource } from '@parley/protocol';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KNOWLEDGE_SOURCE_SYNC_JOB } from '../src/knowledge/sync-source.js';
import { expectConsistentIndex } from './helpers/knowledge-index.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import { apiRequest, jsonOf, useTestServer, type TestServer, createTenantWithAdmin } from './helpers/server.js';
import { helpPage, testSite, type SitePage } from './helpers/test-site.js';

// Website sources end to end: added over REST, synced by the job queue from a help center served on loopback (which
// this suite's guard allows), searched and cited; synced again with ETags; removed with their documents.
const server = useTestServer({ PARLEY_OUTBOUND_ALLOW: 'loopback' });
const site = testSite();

beforeAll(() => site.listen());
afterAll(() => site.close());

async function adminOf(target: TestServer) {
  const { organization, adminToken, agentToken } = await createTenantWithAdmin(target);
  return { organizationId: organization.id, adminToken, agentToken };
}

const text = (topic: string, detail: string) =>
  `Everything about ${topic}: ${detail} Our support team answers every message about ${topic} within one working day, ` +
  `and the steps below work for orders placed in the shop and on the phone alike.`;

/** The help center of the first sync: six pages, all linked from the home page or a page it links to. */
function helpCenter(): Record<string, SitePage> {
  return {
    '/': {
      etag: 'home-1',
      body: helpPage('Help center', [text('our help center', 'start here.')], ['/returns', '/shipping', '/payment', '/care']),
    },
    '/returns': { etag: 'returns-1', body: helpPage('Returns', [text('returns', 'send a parcel back within 30 days for a refund.')]) },
    '/shipping': {
      etag: 'shipping-1',
      body: helpPage('Shipping', [text('shipping', 'parcels leave our warehouse within two days.')], ['/shipping/zones']),
    },
    '/shipping/zones': { etag: 'zones-1', body: helpPage('Shipping zones', [text('shipping zones', 'we deliver to Europe and Canada.')]) },
    '/payment': { etag: 'payment-1', body: helpPage('Payment', [text('payment', 'we take cards and bank transfers.')]) },
    '/care': { etag: 'care-1', body: helpPage('Product care', [text('product care', 'oil the oak boards twice a year.')]) },
  };
}

async function sources(token: string): Promise<KnowledgeSource[]> {
  const answer = await apiRequest(server, '/api/knowledge/sources', token);
  expect(answer.status).toBe(200);
  return (await jsonOf(answer)).sources;
}

async function documentsOf(organizationId: string) {
  return server.db.db
    .select({
      sourceKey: knowledgeDocuments.sourceKey,
      title: knowledgeDocuments.title,
      url: knowledgeDocuments.url,
      format: knowledgeDocuments.format,
    })
    .from(knowledgeDocuments)
    .where(eq(knowledgeDocuments.organizationId, organizationId))
    .orderBy(knowledgeDocuments.sourceKey);
}

async function syncJob(sourceId: string) {
  const [job] = await server.db.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, KNOWLEDGE_SOURCE_SYNC_JOB), eq(jobs.key, sourceId)));
  return job;
}

const HOUR = 3_600_000;

describe('website sources', () => {
  it('syncs a site into searchable documents cited with their page URLs, and re-syncs it with conditional GET', async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(server);
    site.pages = helpCenter();
    const created = await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/`, resyncHours: 24 });
    expect(created.status).toBe(200);
    const source = (await jsonOf(created)) as KnowledgeSource;
    expect(source).toMatchObject({
      kind: 'website',
      url: `${site.origin}/`,
      maxPages: 500,
      maxDepth: 5,
      resyncHours: 24,
      status: 'pending',
      lastSyncedAt: null,
      lastCounts: null,
      documentCount: 0,
    });
    // The first sync is due now.
    expect(Math.abs(Date.parse(source.nextSyncAt!) - Date.now())).toBeLessThan(60_000);

    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);
    const [synced] = await sources(agentToken);
    expect(synced).toMatchObject({
      status: 'ok',
      lastError: null,
      lastCounts: { added: 6, updated: 0, unchanged: 0, removed: 0, failed: 0, skipped: 0, stoppedBy: null },
      documentCount: 6,
    });
    // The next sync is a day after this one, by the database's clock, in the jobs table.
    const job = await syncJob(source.id);
    expect(job).toMatchObject({ organizationId, doneAt: null });
    expect(job!.runAt.getTime()).toBe(Date.parse(synced!.lastSyncedAt!) + 24 * HOUR);
    expect(synced!.nextSyncAt).toBe(job!.runAt.toISOString());

    expect(await documentsOf(organizationId)).toEqual(
      ['/', '/care', '/payment', '/returns', '/shipping', '/shipping/zones'].map((path) => ({
        sourceKey: `${site.origin}${path}`,
        title: expect.any(String),
        url: `${site.origin}${path}`,
        format: 'html',
      })),
    );
    const search = async (q: string) =>
      (await jsonOf(await apiRequest(server, `/api/knowledge/search?q=${encodeURIComponent(q)}`, agentToken))).hits as Array<{
        title: string;
        url: string;
        body: string;
      }>;
    const [returnsHit] = await search('send a parcel back for a refund');
    expect(returnsHit).toMatchObject({ title: 'Returns', url: `${site.origin}/returns` });
    expect(returnsHit!.body).toContain('within 30 days');

    // The site changes: returns is rewritten, shipping no longer links to its zones, product care is taken down.
    const changed = helpCenter();
    changed['/returns'] = {
      etag: 'returns-2',
      body: helpPage('Returns', [text('returns', 'send a parcel back within 60 days for a refund.')]),
    };
    changed['/shipping'] = {
      etag: 'shipping-2',
      body: helpPage('Shipping', [text('shipping', 'parcels leave our warehouse the next day.')]),
    };
    delete changed['/care'];
    site.pages = changed;
    const before = site.requests.length;

    const resync = await apiRequest(server, `/api/knowledge/sources/${source.id}/sync`, adminToken, 'POST');
    expect(resync.status).toBe(200);
    expect(await jsonOf(resync)).toMatchObject({ status: 'pending' });
    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);

    const requests = site.requests.slice(before);
    // The home page and payment were asked for with their ETags and not sent again.
    expect(
      requests
        .filter((request) => request.status === 304)
        .map((request) => request.path)
        .toSorted(),
    ).toEqual(['/', '/payment']);
    expect(requests.find((request) => request.path === '/payment')!.ifNoneMatch).toBe('"payment-1"');
    // The zones page is no longer linked: never requested, and its document goes with the crawl complete.
    expect(requests.map((request) => request.path)).not.toContain('/shipping/zones');
    const [resynced] = await sources(agentToken);
    expect(resynced).toMatchObject({
      status: 'ok',
      lastCounts: { added: 0, updated: 2, unchanged: 2, removed: 2, failed: 0, skipped: 0, stoppedBy: null },
      documentCount: 4,
    });
    expect((await documentsOf(organizationId)).map((document) => document.sourceKey)).toEqual(
      ['/', '/payment', '/returns', '/shipping'].map((path) => `${site.origin}${path}`),
    );
    expect((await search('send a parcel back for a refund'))[0]!.body).toContain('within 60 days');
    expect(await search('oil the oak boards')).toEqual([]);
    expect((await syncJob(source.id))!.runAt.getTime()).toBe(Date.parse(resynced!.lastSyncedAt!) + 24 * HOUR);
    await expectConsistentIndex(server.db.db, organizationId);
  });

  it('runs a sync asked for while one ran after it, instead of waiting for the interval', async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(server);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const payment = new Promise<void>((resolve) => (reached = resolve));
    site.pages = {
      ...helpCenter(),
      '/payment': {
        ...helpCenter()['/payment'],
        hold: () => {
          reached();
          return released;
        },
      },
    };
    const source = (await jsonOf(
      await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/`, resyncHours: 24 }),
    )) as KnowledgeSource;
    const running = server.app.jobs.runDue({ organizationIds: [organizationId] });
    await payment;
    expect((await sources(agentToken))[0]!.status).toBe('syncing');
    // "Sync now" while it runs: the source stays syncing, and the sync asked for is due now.
    expect(await jsonOf(await apiRequest(server, `/api/knowledge/sources/${source.id}/sync`, adminToken, 'POST'))).toMatchObject({
      status: 'syncing',
    });
    release();
    expect(await running).toBe(1);
    const [first] = await sources(agentToken);
    expect(first).toMatchObject({ status: 'ok', lastCounts: { added: 6 } });
    const pending = await syncJob(source.id);
    expect(pending).toMatchObject({ doneAt: null, attempts: 0 });
    expect(pending!.runAt.getTime()).toBeLessThan(Date.parse(first!.lastSyncedAt!));

    // It runs at the next poll, and schedules the daily one.
    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);
    const [second] = await sources(agentToken);
    expect(second).toMatchObject({ status: 'ok', lastCounts: { unchanged: 6 } });
    expect((await syncJob(source.id))!.runAt.getTime()).toBe(Date.parse(second!.lastSyncedAt!) + 24 * HOUR);
  });

  it('keeps the documents of pages it did not reach when the crawl stopped at a limit, and those of failing pages', async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(server);
    site.pages = helpCenter();
    const source = (await jsonOf(
      await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/` }),
    )) as KnowledgeSource;
    await server.app.jobs.runDue({ organizationIds: [organizationId] });
    expect((await sources(agentToken))[0]!.documentCount).toBe(6);
    // No interval: nothing is scheduled after the sync.
    expect((await syncJob(source.id))!.doneAt).not.toBeNull();

    // Two pages a sync: the crawl stops at maxPages, and the pages it didn't reach keep their documents.
    const patched = await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'PATCH', { maxPages: 2 });
    expect(await jsonOf(patched)).toMatchObject({ maxPages: 2, maxDepth: 5 });
    await apiRequest(server, `/api/knowledge/sources/${source.id}/sync`, adminToken, 'POST');
    await server.app.jobs.runDue({ organizationIds: [organizationId] });
    expect((await sources(agentToken))[0]).toMatchObject({
      status: 'ok',
      documentCount: 6,
      lastCounts: { unchanged: 2, removed: 0, stoppedBy: 'maxPages' },
    });

    // A page that answers 500 fails alone, keeps its document, and hides the pages behind it: none of them goes.
    await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'PATCH', { maxPages: 500 });
    const broken = helpCenter();
    broken['/shipping'] = { status: 500, body: 'Internal error' };
    site.pages = broken;
    await apiRequest(server, `/api/knowledge/sources/${source.id}/sync`, adminToken, 'POST');
    await server.app.jobs.runDue({ organizationIds: [organizationId] });
    const [afterFailure] = await sources(agentToken);
    expect(afterFailure).toMatchObject({
      status: 'ok',
      lastError: null,
      documentCount: 6,
      lastCounts: { unchanged: 4, failed: 1, removed: 0, stoppedBy: null },
    });

    // The start page gone (a 404 while the site is redeployed, a move to another address) says nothing about the pages
    // behind it: the sync fails and every document stays.
    for (const start of [
      { status: 404, body: 'Not found' },
      { status: 200, contentType: 'text/plain', body: 'Down for maintenance' },
    ]) {
      site.pages = { ...helpCenter(), '/': start };
      await apiRequest(server, `/api/knowledge/sources/${source.id}/sync`, adminToken, 'POST');
      await server.app.jobs.runDue({ organizationIds: [organizationId] });
      const [afterEntryLost] = await sources(agentToken);
      expect(afterEntryLost).toMatchObject({ status: 'failed', documentCount: 6, lastCounts: { removed: 0 } });
      expect(afterEntryLost!.lastError).toContain(`${site.origin}/`);
    }
    expect(await expectConsistentIndex(server.db.db, organizationId)).toBeGreaterThan(0);
  });

  it('reads the pages a sitemap lists, and moves or cancels the next sync when the interval changes', async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(server);
    site.pages = {
      ...helpCenter(),
      '/sitemap.xml': {
        contentType: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${site.origin}/returns</loc></url>
  <url><loc>${site.origin}/payment</loc></url>
  <url><loc>${site.origin}/gone</loc></url>
</urlset>`,
      },
    };
    const created = await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', {
      url: `${site.origin}/sitemap.xml`,
      kind: 'sitemap',
    });
    const source = (await jsonOf(created)) as KnowledgeSource;
    expect(source).toMatchObject({ kind: 'sitemap', resyncHours: null });
    await server.app.jobs.runDue({ organizationIds: [organizationId] });
    const [synced] = await sources(agentToken);
    // The page the sitemap lists but the site doesn't have is reported; the others are imported, nothing followed.
    expect(synced).toMatchObject({ status: 'ok', documentCount: 2, lastCounts: { added: 2, failed: 1 } });
    expect((await documentsOf(organizationId)).map((document) => document.sourceKey)).toEqual([
      `${site.origin}/payment`,
      `${site.origin}/returns`,
    ]);

    // Weekly from now on: the next sync is a week after the last one.
    const weekly = await jsonOf(await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'PATCH', { resyncHours: 168 }));
    expect(weekly).toMatchObject({ resyncHours: 168 });
    const job = await syncJob(source.id);
    expect(job).toMatchObject({ doneAt: null });
    expect(job!.runAt.getTime()).toBe(Date.parse(synced!.lastSyncedAt!) + 168 * HOUR);
    expect(weekly.nextSyncAt).toBe(job!.runAt.toISOString());
    // Off again: the scheduled sync is cancelled.
    const off = await jsonOf(await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'PATCH', { resyncHours: null }));
    expect(off).toMatchObject({ resyncHours: null, nextSyncAt: null });
    expect(await syncJob(source.id)).toBeUndefined();
  });

  it('deletes a removed source with its documents and their index entries, and leaves other documents alone', async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(server);
    site.pages = helpCenter();
    await apiRequest(server, '/api/knowledge/documents', adminToken, 'POST', {
      sourceKey: 'opening-hours.md',
      format: 'markdown',
      content: '# Opening hours\n\nWe answer from nine to five on weekdays.',
    });
    const source = (await jsonOf(
      await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/`, resyncHours: 24 }),
    )) as KnowledgeSource;
    await server.app.jobs.runDue({ organizationIds: [organizationId] });
    expect((await documentsOf(organizationId)).length).toBe(7);

    expect((await apiRequest(server, `/api/knowledge/sources/${source.id}`, agentToken, 'DELETE')).status).toBe(403);
    expect((await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'DELETE')).status).toBe(204);
    expect((await documentsOf(organizationId)).map((document) => document.sourceKey)).toEqual(['opening-hours.md']);
    expect(await sources(agentToken)).toEqual([]);
    expect(await syncJob(source.id)).toBeUndefined();
    expect(await expectConsistentIndex(server.db.db, organizationId)).toBe(1);
    expect((await apiRequest(server, `/api/knowledge/sources/${source.id}`, adminToken, 'DELETE')).status).toBe(404);
  });

  it('lets every agent read the sources and only admins change them, and answers bad input with typed errors', async () => {
    const { adminToken, agentToken } = await adminOf(server);
    const refused = await apiRequest(server, '/api/knowledge/sources', agentToken, 'POST', { url: `${site.origin}/` });
    expect(refused.status).toBe(403);
    expect((await jsonOf(refused)).error.code).toBe('forbidden');
    expect(await sources(agentToken)).toEqual([]);
    expect((await fetch(`${server.url}/api/knowledge/sources`)).status).toBe(401);

    const created = (await jsonOf(
      await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/help/#top` }),
    )) as KnowledgeSource;
    expect(created.url).toBe(`${site.origin}/help/`);
    for (const [path, method] of [
      [`/api/knowledge/sources/${created.id}/sync`, 'POST'],
      [`/api/knowledge/sources/${created.id}`, 'PATCH'],
      [`/api/knowledge/sources/${created.id}`, 'DELETE'],
    ] as const) {
      const forbidden = await apiRequest(server, path, agentToken, method, method === 'PATCH' ? { maxPages: 3 } : undefined);
      expect(forbidden.status).toBe(403);
    }

    // The same address again, written differently, is the same source.
    const duplicate = await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', {
      url: `${site.origin.replace('http', 'HTTP')}/help/#faq`,
    });
    expect(duplicate.status).toBe(409);
    expect((await jsonOf(duplicate)).error).toMatchObject({
      code: 'conflict',
      message: `${site.origin}/help/ is a website source of this knowledge base already.`,
    });

    for (const body of [
      {},
      { url: 'ftp://help.example.com/' },
      { url: 'javascript:alert(1)' },
      { url: '/help/' },
      { url: 'https://user:secret@help.example.com/' },
      { url: 'https://help.example.com/', kind: 'rss' },
      { url: 'https://help.example.com/', maxPages: 0 },
      { url: 'https://help.example.com/', maxDepth: 1.5 },
      { url: 'https://help.example.com/', resyncHours: -1 },
      { url: 'https://help.example.com/', interval: 'daily' },
    ]) {
      const invalid = await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', body);
      expect(invalid.status, JSON.stringify(body)).toBe(400);
      expect((await jsonOf(invalid)).error.code).toBe('invalid_payload');
    }
    for (const body of [{}, { maxPages: 'many' }, { url: 'https://elsewhere.example/' }]) {
      const invalid = await apiRequest(server, `/api/knowledge/sources/${created.id}`, adminToken, 'PATCH', body);
      expect(invalid.status, JSON.stringify(body)).toBe(400);
      expect((await jsonOf(invalid)).error.code).toBe('invalid_payload');
    }
    const unknown = randomUUID();
    for (const [path, method] of [
      [`/api/knowledge/sources/${unknown}/sync`, 'POST'],
      [`/api/knowledge/sources/${unknown}`, 'PATCH'],
      [`/api/knowledge/sources/${unknown}`, 'DELETE'],
    ] as const) {
      const missing = await apiRequest(server, path, adminToken, method, method === 'PATCH' ? { maxPages: 3 } : undefined);
      expect(missing.status).toBe(404);
      expect((await jsonOf(missing)).error.code).toBe('not_found');
    }
    expect((await apiRequest(server, '/api/knowledge/sources/not-a-uuid/sync', adminToken, 'POST')).status).toBe(400);
    expect((await sources(agentToken)).map((source) => source.id)).toEqual([created.id]);
  });

  it('answers every naughty string as a source address with a typed error, or takes it as the web address it is', async () => {
    const { adminToken, agentToken } = await adminOf(server);
    let accepted = 0;
    for (const url of naughtyStrings()) {
      const answer = await apiRequest(server, '/api/knowledge/sources', adminToken, 'POST', { url });
      if (answer.status === 400) {
        expect((await jsonOf(answer)).error.code).toBe('invalid_payload');
        continue;
      }
      // Only a string that is an http(s) address can be a source.
      expect([200, 409]).toContain(answer.status);
      expect(/^https?:$/i.test(new URL(url).protocol)).toBe(true);
      if (answer.status === 200) accepted++;
    }
    expect((await sources(agentToken)).length).toBe(accepted);
  });
});

describe('website sources without an outbound allowance', () => {
  const guarded = useTestServer();

  it("fails the sync of a site on a private address with the guard's reason", async () => {
    const { organizationId, adminToken, agentToken } = await adminOf(guarded);
    site.pages = helpCenter();
    const before = site.requests.length;
    const created = await apiRequest(guarded, '/api/knowledge/sources', adminToken, 'POST', { url: `${site.origin}/`, resyncHours: 24 });
    const source = (await jsonOf(created)) as KnowledgeSource;
    expect(await guarded.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);
    const [failed] = (await jsonOf(await apiRequest(guarded, '/api/knowledge/sources', agentToken))).sources as KnowledgeSource[];
    expect(failed).toMatchObject({
      status: 'failed',
      lastError:
        "127.0.0.1 is a loopback address (this machine); Parley doesn't fetch loopback addresses unless PARLEY_OUTBOUND_ALLOW says so.",
      lastCounts: { added: 0, stoppedBy: 'robotsUnavailable' },
      documentCount: 0,
    });
    // Nothing reached the site, and the failed source is tried again after its interval.
    expect(site.requests.length).toBe(before);
    const [job] = await guarded.db.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, KNOWLEDGE_SOURCE_SYNC_JOB), eq(jobs.key, source.id)));
    expect(job!.runAt.getTime()).toBe(Date.parse(failed!.lastSyncedAt!) + 24 * HOUR);
  });
});
