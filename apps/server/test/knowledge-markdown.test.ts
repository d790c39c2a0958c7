import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { knowledgeChunks, knowledgeDocuments } from '@parley/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import { collectFiles, importFiles } from '../src/knowledge/import-files.js';
import { searchKnowledge } from '../src/knowledge/search.js';
import { createOrganization } from '../src/seed/accounts.js';
import { jsonOf, useTestServer, createTenantWithAdmin } from './helpers/server.js';

const server = useTestServer();

/** Help-centre fixtures: Docusaurus/MkDocs-style pages written for Parley, and Zulip articles (Apache-2.0, see README). */
const fixtures = fileURLToPath(new URL('__fixtures__/help-center/', import.meta.url));

/** Imports a fixture folder the way `parley kb import <folder> --base-url` does. */
async function importFolder(folder: string, baseUrl: string) {
  const organization = await createOrganization(server.db.db, `KB markdown ${randomUUID().slice(0, 8)}`);
  const { files } = await collectFiles([`${fixtures}${folder}`]);
  const summary = await importFiles(server.db.db, organization.id, files, { baseUrl });
  const documents = await server.db.db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.organizationId, organization.id));
  const chunks = await server.db.db.select().from(knowledgeChunks).where(eq(knowledgeChunks.organizationId, organization.id));
  const bySource = (sourceKey: string) => documents.find((document) => document.sourceKey === sourceKey);
  return { organization, files, summary, documents, chunks, bySource };
}

/** Markup that must not reach a chunk: ESM, tags, admonition markers, Zulip macros. */
function expectClean(chunks: ReadonlyArray<{ body: string; section: string; title: string }>) {
  for (const chunk of chunks) {
    for (const text of [chunk.body, chunk.section, chunk.title]) {
      expect(text).not.toMatch(/\bimport\s+\S+\s+from\b|\bexport\s+const\b/);
      expect(text).not.toContain('<');
      expect(text).not.toContain(':::');
      expect(text).not.toContain('!!!');
      expect(text).not.toContain('{!');
      expect(text).not.toMatch(/\{(start_tabs|end_tabs|tab\||settings_tab\||relative\|)/);
      expect(text).not.toMatch(/\{\{|\{%/);
      expect(text).not.toMatch(/^(title|description|slug):/m);
    }
  }
}

describe('knowledge base: help-centre Markdown and MDX', () => {
  it('imports a Docusaurus-style folder with titles, descriptions and URLs from front matter, and clean chunks', async () => {
    const { summary, files, documents, chunks, bySource } = await importFolder('docs', 'https://help.example.com/docs/');
    expect(files.map((file) => file.sourceKey)).toEqual([
      'account/reset-password.md',
      'billing/invoices.mdx',
      'broken.mdx',
      'getting-started.md',
    ]);
    expect(summary.failed).toEqual([]);
    expect(summary.created).toBe(4);

    expect(bySource('billing/invoices.mdx')).toMatchObject({
      format: 'mdx',
      title: 'Invoices and receipts',
      description: 'Download past invoices, change the billing email and add a VAT number.',
      url: 'https://help.example.com/docs/billing/invoices',
      warnings: [],
    });
    // sidebar_label stands in for a missing title; a relative slug is next to the file.
    expect(bySource('account/reset-password.md')).toMatchObject({
      format: 'markdown',
      title: 'Reset your password',
      description: 'Forgot your password? Get a reset link by email.',
      url: 'https://help.example.com/docs/account/reset',
    });
    // TOML front matter with an absolute url.
    expect(bySource('getting-started.md')).toMatchObject({
      title: 'Getting started',
      description: 'Create a workspace and invite your team.',
      url: 'https://help.example.com/start',
    });
    // Not valid MDX: read as Markdown, title from the heading, URL from the path, and a warning.
    expect(bySource('broken.mdx')).toMatchObject({
      title: 'Keyboard shortcuts',
      description: null,
      url: 'https://help.example.com/docs/broken',
    });
    expect(summary.warned).toEqual([
      { file: expect.objectContaining({ sourceKey: 'broken.mdx' }), warnings: [expect.stringMatching(/^Not valid MDX \(line 3: /)] },
    ]);
    expect(documents).toHaveLength(4);

    expectClean(chunks);
    const invoices = chunks.filter((chunk) => chunk.documentId === bySource('billing/invoices.mdx')!.id);
    const text = invoices.map((chunk) => chunk.body).join('\n');
    expect(text).toContain('Settings page'); // <img alt>
    expect(text).toContain('Add your VAT number'); // :::tip title
    expect(text).toContain('Click Download next to the invoice.'); // inside <Tabs><TabItem>
    expect(text).not.toContain('Questions about a charge?'); // <CtaBox title=…/>: an attribute, not text
    expect(text).not.toContain('frontMatter');
    // Sections come from headings, never from front matter.
    expect(invoices.map((chunk) => chunk.section)).toEqual(['', 'Download an invoice']);
    expect(
      invoices.every((chunk) => chunk.about === 'Download past invoices, change the billing email and add a VAT number. billing vat'),
    ).toBe(true);
    const gettingStarted = chunks.filter((chunk) => chunk.documentId === bySource('getting-started.md')!.id);
    expect(gettingStarted.map((chunk) => chunk.body).join('\n')).toContain('Invite in bulk Paste a list of addresses');
  });

  it('searches what a document is about: its description and tags count for every chunk', async () => {
    const { organization, bySource } = await importFolder('docs', 'https://help.example.com/docs/');
    // "change" is in the invoices page's description only, "login" in the password page's keywords only.
    const change = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'change' });
    expect(change.map((hit) => [hit.documentId, hit.url])).toEqual([
      [bySource('billing/invoices.mdx')!.id, 'https://help.example.com/docs/billing/invoices'],
      [bySource('billing/invoices.mdx')!.id, 'https://help.example.com/docs/billing/invoices'],
    ]);
    const loginHits = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'login' });
    expect(new Set(loginHits.map((hit) => hit.documentId))).toEqual(new Set([bySource('account/reset-password.md')!.id]));
  });

  it('imports Zulip help articles without their macros, and warns about each file', async () => {
    const { summary, chunks, bySource } = await importFolder('zulip', 'https://zulip.com/help/');
    expect(summary.failed).toEqual([]);
    expect(summary.created).toBe(3);
    expect(bySource('logging-out.md')).toMatchObject({
      title: 'Logging out',
      url: 'https://zulip.com/help/logging-out',
      description: null,
    });
    expectClean(chunks);

    const warnings = Object.fromEntries(summary.warned.map((warned) => [warned.file.sourceKey, warned.warnings]));
    expect(warnings).toEqual({
      'change-your-password.md': [
        expect.stringMatching(/^Dropped 1 include macro \(\{!change-password-via-email-confirmation\.md!\}\)/),
        expect.stringMatching(/^Dropped 3 template macros \(\{start_tabs\}, \{settings_tab\|account-and-privacy\}, \{end_tabs\}\)/),
      ],
      'deactivate-your-organization.md': [
        expect.stringMatching(/^Dropped 1 include macro \(\{!owner-only\.md!\}\)/),
        expect.stringMatching(/^Dropped 1 template placeholder \(\{\{ support_email \}\}\)/),
        expect.stringMatching(/^Dropped 3 template macros/),
      ],
      'logging-out.md': [
        expect.stringMatching(/^Dropped 1 include macro \(\{!mobile-profile-menu\.md!\}\)/),
        expect.stringMatching(/^Dropped 4 template macros \(\{start_tabs\}, \{tab\|desktop-web\}, \{tab\|mobile\}, …\)/),
      ],
    });
    expect(bySource('logging-out.md')!.warnings).toEqual(warnings['logging-out.md']);

    const loggingOut = chunks.filter((chunk) => chunk.documentId === bySource('logging-out.md')!.id);
    const text = loggingOut.map((chunk) => chunk.body).join('\n');
    // The icon and its parentheses are gone; the admonition body is text, not code.
    expect(text).toContain('Click the gear icon in the top right corner of the app.');
    expect(text).toContain("Logging out doesn't affect any other organizations");
    const deactivate = chunks.filter((chunk) => chunk.documentId === bySource('deactivate-your-organization.md')!.id);
    expect(deactivate.map((chunk) => chunk.body).join('\n')).toContain('please contact your server administrator as soon as possible');
  });

  it('says unchanged on a re-import, with the warnings of the import that parsed it', async () => {
    const organization = await createOrganization(server.db.db, `KB markdown ${randomUUID().slice(0, 8)}`);
    const input = {
      organizationId: organization.id,
      sourceKey: 'logging-out.md',
      format: 'markdown' as const,
      content: readFileSync(`${fixtures}zulip/logging-out.md`, 'utf8'),
    };
    const first = await importDocument(server.db.db, input);
    expect(first).toMatchObject({ status: 'created', title: 'Logging out' });
    expect(first.warnings).toHaveLength(2);
    expect(await importDocument(server.db.db, input)).toMatchObject({ status: 'unchanged', warnings: first.warnings });
  });

  it('answers a REST import with the document description and the warnings', async () => {
    const tenant = await createTenantWithAdmin(server);
    const token = tenant.adminToken;
    const post = (body: unknown) =>
      fetch(`${server.url}/api/knowledge/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const response = await post({
      sourceKey: 'billing/invoices.mdx',
      format: 'mdx',
      content: readFileSync(`${fixtures}docs/billing/invoices.mdx`, 'utf8'),
    });
    expect(response.status).toBe(200);
    // No base URL over REST: the slug makes no address, and nothing is guessed.
    expect(await jsonOf(response)).toMatchObject({
      status: 'created',
      warnings: [],
      document: {
        format: 'mdx',
        title: 'Invoices and receipts',
        description: 'Download past invoices, change the billing email and add a VAT number.',
        url: null,
      },
    });

    const zulip = await jsonOf(
      await post({ sourceKey: 'logging-out.md', format: 'markdown', content: readFileSync(`${fixtures}zulip/logging-out.md`, 'utf8') }),
    );
    expect(zulip.warnings).toEqual([
      expect.stringMatching(/^Dropped 1 include macro/),
      expect.stringMatching(/^Dropped 4 template macros/),
    ]);
    const list = await jsonOf(await fetch(`${server.url}/api/knowledge/documents`, { headers: { authorization: `Bearer ${token}` } }));
    expect(list.documents.map((document: { title: string; description: string | null }) => [document.title, document.description])).toEqual(
      [
        ['Invoices and receipts', 'Download past invoices, change the billing email and add a VAT number.'],
        ['Logging out', null],
      ],
    );
  });
});
