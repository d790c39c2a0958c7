/**
 * The "Websites" section of the knowledge base page: the websites whose pages are documents, then the knowledge base's
 * language.
 * @module
 */
import { useId } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { KnowledgeLanguage } from './knowledge-language.js';
import { KnowledgeSources } from './knowledge-sources.js';

/** Props of {@link KnowledgeWebsites}. */
export interface KnowledgeWebsitesProps {
  api: ConsoleApi;
  /** Admins change the language and the sites; agents see them. */
  canEdit: boolean;
  /** A sync ended or a site was removed: the documents changed. */
  onDocumentsChanged: () => void;
  /** How long to wait before asking again while a sync or a re-index runs. */
  pollMs?: number;
}

/** The websites and the language. */
export function KnowledgeWebsites({ api, canEdit, onDocumentsChanged, pollMs }: KnowledgeWebsitesProps) {
  const titleId = useId();
  return (
    <section class="knowledge-section" aria-labelledby={titleId}>
      <h2 id={titleId}>Websites</h2>
      <p class="knowledge-intro">
        Each page of a help center becomes a document cited with its address. A sync adds new pages, updates changed ones and removes the
        pages that are gone.
      </p>
      <KnowledgeSources api={api} canEdit={canEdit} onDocumentsChanged={onDocumentsChanged} pollMs={pollMs} />
      <KnowledgeLanguage api={api} canEdit={canEdit} pollMs={pollMs} />
    </section>
  );
}
