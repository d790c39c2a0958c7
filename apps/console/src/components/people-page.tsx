/**
 * The Settings → People route: admins get the page, loaded on first visit (its own chunk, so agents never download
 * it); agents are told it is not theirs. The server refuses them too (`forbidden`).
 * @module
 */
import type { Agent } from '@parley/protocol';
import type { ConsoleApi } from '../api.js';
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';

const loadPeopleSettings = () => import('./people-settings.js').then((module) => module.PeopleSettings);

/** Props of {@link PeoplePage}. */
export interface PeoplePageProps {
  api: ConsoleApi;
  /** The signed-in person: what they may change depends on their role, and they cannot change themselves. */
  viewer: Pick<Agent, 'id' | 'role'>;
  isAdmin: boolean;
}

/** The page for admins, a notice for everyone else. */
export function PeoplePage({ api, viewer, isAdmin }: PeoplePageProps) {
  const { Component: Page, failed } = useLazyComponent(loadPeopleSettings, isAdmin);

  if (!isAdmin) {
    return (
      <section class="people-page" aria-labelledby="people-title">
        <h1 id="people-title">People</h1>
        <p class="hint">Only admins can manage people and teams. Ask an admin of your organization.</p>
      </section>
    );
  }
  if (failed) {
    return (
      <p class="form-error" role="alert">
        {lazyLoadFailure}
      </p>
    );
  }
  return Page ? <Page api={api} viewer={viewer} /> : <p class="hint">Loading…</p>;
}
