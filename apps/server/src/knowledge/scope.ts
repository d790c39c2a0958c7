/**
 * A knowledge scope: the part of an organization's knowledge base a search may answer from (a bot profile's), as
 * documents with one of some tags or synced from one of some website sources. Searches apply it as an SQL condition
 * on chunk ids, so that their limits count in-scope passages only.
 * @module
 */
import { sql, type SQL } from 'drizzle-orm';

/** Which documents a search may return: those with one of `tags` (any case) or synced from one of `sourceIds`; both empty: all. */
export interface KnowledgeScope {
  tags: readonly string[];
  sourceIds: readonly string[];
}

/** Whether `scope` lets every document through (none given, or both lists empty). */
export function isWholeBase(scope: KnowledgeScope | null | undefined): boolean {
  return !scope || (scope.tags.length === 0 && scope.sourceIds.length === 0);
}

/** An array literal of `values` cast to `type`, one parameter each; `array[]::type[]` when there are none. */
const arrayOf = (values: SQL[], type: 'text' | 'uuid') => sql`array[${sql.join(values, sql`, `)}]::${sql.raw(type)}[]`;

/**
 * A SQL condition on `chunkId` (an SQL expression of a knowledge_chunks id): true for a chunk of a document in scope.
 * `sql\`true\`` for the whole base.
 */
export function chunkInScope(chunkId: SQL, organizationId: string, scope: KnowledgeScope | null | undefined): SQL {
  if (!scope || isWholeBase(scope)) return sql`true`;
  // Both sides are lowered by Postgres: JavaScript's toLowerCase and the database's lower() can disagree outside ASCII.
  const tags = arrayOf(
    [...new Set(scope.tags)].map((tag) => sql`lower(${tag})`),
    'text',
  );
  const sourceIds = arrayOf(
    [...new Set(scope.sourceIds)].map((id) => sql`${id}`),
    'uuid',
  );
  return sql`${chunkId} in (
    select c.id from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
    where d.organization_id = ${organizationId}
      and (exists (select 1 from unnest(d.tags) t where lower(t) = any(${tags})) or d.source_id = any(${sourceIds}))
  )`;
}
