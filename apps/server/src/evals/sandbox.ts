/**
 * The database `parley eval` runs in: an embedded one in memory, holding a copy of one organization's bot setup (its
 * widgets, bot profiles, teams, actions, MCP servers and knowledge base) or the demo shop. Scenarios create
 * conversations, call actions and hand off there, never in the organization's own database; it is gone when the eval
 * ends.
 * @module
 */
import {
  botActions,
  botProfiles,
  createDb,
  knowledgeChunks,
  knowledgeDocuments,
  knowledgeSources,
  mcpServers,
  organizations,
  teams,
  widgets,
  type Database,
  type DbHandle,
} from '@parley/db';
import { eq, getTableColumns, type Table } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { indexDocuments } from '../knowledge/import-document.js';
import { DEMO_WIDGET_KEY, seedDemo } from '../seed/demo.js';

/** An open sandbox and the organization the scenarios run in. */
export interface Sandbox {
  handle: DbHandle;
  organizationId: string;
}

/** Rows per insert when copying: well under Postgres' 65,535 parameters for the widest table. */
const COPY_BATCH = 200;

/**
 * A sandbox with the demo shop (its widget, knowledge base and actions), as `parley start` seeds it. Its actions are
 * pointed at the eval's mocked tools before any scenario runs, so the address they are seeded with is never called.
 */
export async function demoSandbox(secret: string): Promise<Sandbox> {
  const handle = await openSandbox();
  try {
    await seedDemo(handle.db, { origins: [], baseUrl: 'http://localhost', secret });
    const [widget] = await handle.db
      .select({ organizationId: widgets.organizationId })
      .from(widgets)
      .where(eq(widgets.publicKey, DEMO_WIDGET_KEY));
    return { handle, organizationId: widget!.organizationId };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * A sandbox with a copy of `organizationId`'s bot setup from `source`. People, conversations and contacts are not
 * copied (scenarios make their own); the knowledge base's chunks are indexed again in the sandbox by the import's own
 * indexing, so search sees what it sees in `source`. Semantic vectors are not copied: search in the sandbox is lexical.
 */
export async function copiedSandbox(source: Database, organizationId: string): Promise<Sandbox> {
  const handle = await openSandbox();
  try {
    const target = handle.db;
    // In the order of their references: profiles before the teams and widgets that name them, teams before the actions
    // whose approvers they are, sources before their documents, documents before their chunks.
    await copyRows(source, target, organizations, eq(organizations.id, organizationId));
    await copyRows(source, target, botProfiles, eq(botProfiles.organizationId, organizationId));
    await copyRows(source, target, teams, eq(teams.organizationId, organizationId));
    await copyRows(source, target, widgets, eq(widgets.organizationId, organizationId));
    await copyRows(source, target, botActions, eq(botActions.organizationId, organizationId));
    await copyRows(source, target, mcpServers, eq(mcpServers.organizationId, organizationId));
    await copyRows(source, target, knowledgeSources, eq(knowledgeSources.organizationId, organizationId));
    const documentIds = await copyRows(source, target, knowledgeDocuments, eq(knowledgeDocuments.organizationId, organizationId));
    await copyRows(source, target, knowledgeChunks, eq(knowledgeChunks.organizationId, organizationId));
    if (documentIds.length > 0) await target.transaction((tx) => indexDocuments(tx, organizationId, documentIds));
    return { handle, organizationId };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function openSandbox(): Promise<DbHandle> {
  const handle = await createDb({ dataDir: 'memory://' });
  await handle.migrate();
  return handle;
}

/**
 * Copies the rows of `table` that `where` selects, without the columns the database generates (identities, search
 * vectors): the sandbox makes its own. Returns the copied rows' `id`s, where the table has one.
 */
async function copyRows(source: Database, target: Database, table: PgTable, where: ReturnType<typeof eq>): Promise<string[]> {
  const columns = getTableColumns(table as Table);
  const generated = Object.entries(columns)
    .filter(([, column]) => column.generated !== undefined || column.generatedIdentity !== undefined)
    .map(([key]) => key);
  const rows = (await source.select().from(table).where(where)) as Record<string, unknown>[];
  const kept = rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !generated.includes(key))));
  for (let start = 0; start < kept.length; start += COPY_BATCH) {
    await target.insert(table).values(kept.slice(start, start + COPY_BATCH));
  }
  return 'id' in columns && !generated.includes('id') ? rows.map((row) => String(row.id)) : [];
}
