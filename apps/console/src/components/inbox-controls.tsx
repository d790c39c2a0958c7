/**
 * The inbox's controls: a tab per view with its count, the search box, the status, team and widget filters and the
 * order.
 * @module
 */
import type { ConversationStatus, InboxCounts } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { statusLabel } from '../format.js';
import { inboxSorts, inboxStatuses, inboxViews, type InboxQuery } from '../inbox.js';

/** The status a select's value names; null for "All statuses". */
function statusOf(value: string): ConversationStatus | null {
  return inboxStatuses.find((status) => status === value) ?? null;
}

/** How long the search waits after the last keystroke before it asks the server. */
export const SEARCH_DEBOUNCE_MS = 300;

/** Props of {@link InboxControls}. */
export interface InboxControlsProps {
  query: InboxQuery;
  /** Each view's count; null until the server answered. */
  counts: InboxCounts | null;
  /** The organization's teams, for the team filter; none: no filter. */
  teams: ReadonlyArray<{ id: string; name: string }>;
  /** The organization's widgets, for the widget filter (admins only); null or none: no filter. */
  widgets: ReadonlyArray<{ id: string; name: string }> | null;
  onChange: (change: Partial<InboxQuery>) => void;
}

/** The views as toggle buttons (the pressed one is shown), the search, the filters and the order. */
export function InboxControls({ query, counts, teams, widgets, onChange }: InboxControlsProps) {
  const [search, setSearch] = useState(query.q);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  function typed(text: string) {
    setSearch(text);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      latest.current({ q: text });
    }, SEARCH_DEBOUNCE_MS);
  }

  return (
    <div class="inbox-controls">
      <div class="inbox-views" role="group" aria-label="Views">
        {inboxViews.map(({ view, label, count }) => (
          <button
            key={view}
            type="button"
            class={`inbox-view${query.view === view ? ' is-current' : ''}`}
            aria-pressed={query.view === view}
            onClick={() => onChange({ view })}
          >
            {label}
            {counts && <span class="inbox-view-count">{counts[count]}</span>}
          </button>
        ))}
      </div>
      <input
        type="search"
        class="inbox-search"
        aria-label="Search conversations"
        placeholder="Search messages, names, e-mail"
        value={search}
        maxLength={200}
        onInput={(event) => typed(event.currentTarget.value)}
        onKeyDown={(event) => {
          // Enter asks at once.
          if (event.key !== 'Enter') return;
          if (timer.current !== null) clearTimeout(timer.current);
          timer.current = null;
          onChange({ q: search });
        }}
      />
      <div class="inbox-filters">
        <select
          class="inbox-filter"
          aria-label="Status"
          value={query.status ?? ''}
          onChange={(event) => onChange({ status: statusOf(event.currentTarget.value) })}
        >
          <option value="">All statuses</option>
          {inboxStatuses.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
        {teams.length > 0 && (
          <select
            class="inbox-filter"
            aria-label="Team"
            value={query.teamId ?? ''}
            onChange={(event) => onChange({ teamId: event.currentTarget.value || null })}
          >
            <option value="">All teams</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        )}
        {widgets && widgets.length > 1 && (
          <select
            class="inbox-filter"
            aria-label="Widget"
            value={query.widgetId ?? ''}
            onChange={(event) => onChange({ widgetId: event.currentTarget.value || null })}
          >
            <option value="">All widgets</option>
            {widgets.map((widget) => (
              <option key={widget.id} value={widget.id}>
                {widget.name}
              </option>
            ))}
          </select>
        )}
        <select
          class="inbox-filter"
          aria-label="Sort"
          value={query.sort}
          onChange={(event) => onChange({ sort: event.currentTarget.value === 'waiting' ? 'waiting' : 'recent' })}
        >
          {inboxSorts.map(({ sort, label }) => (
            <option key={sort} value={sort}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
