/**
 * "Try a question": the passages the bot would find in the knowledge base for a question, best first, as text.
 * @module
 */
import { citationLabel, type KnowledgeHit } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';

/** Props of {@link KnowledgeSearch}. */
export interface KnowledgeSearchProps {
  api: Pick<ConsoleApi, 'searchKnowledge'>;
}

/** A search box and the passages found. Every agent may use it. */
export function KnowledgeSearch({ api }: KnowledgeSearchProps) {
  const titleId = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<KnowledgeHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(event: Event) {
    event.preventDefault();
    if (!query.trim()) return;
    try {
      setHits((await api.searchKnowledge({ q: query, limit: 5 })).hits);
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  return (
    <section class="knowledge-section" aria-labelledby={titleId}>
      <h2 id={titleId}>What the bot would find</h2>
      <form class="knowledge-search" onSubmit={(event) => void search(event)}>
        <label class="field">
          <span class="field-label">Try a question</span>
          <input type="search" value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
        </label>
        <button type="submit" class="button">
          Search
        </button>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {hits !== null &&
        (hits.length === 0 ? (
          <p>Nothing in the knowledge base matches: the bot would say it doesn't know and offer a person.</p>
        ) : (
          <ol class="knowledge-hits" aria-label="Passages found">
            {hits.map((hit) => (
              <li key={hit.chunkId}>
                <strong>{citationLabel({ title: hit.title, section: hit.headingPath.join(' › '), page: hit.page ?? undefined })}</strong>{' '}
                <span class="hint">({Math.round(hit.coverage * 100)}% of the question's words)</span>
                <p>{hit.body}</p>
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}
