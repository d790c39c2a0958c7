/**
 * The Settings → Widgets route: admins get the page, loaded on first visit (its own chunk, so agents never download
 * it); agents are told it is not theirs. The server refuses them too (`forbidden`).
 * @module
 */
import type { ConsoleApi } from '../api.js';
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';

const loadWidgetSettings = () => import('./widget-settings.js').then((module) => module.WidgetSettings);

/** Props of {@link WidgetSettingsPage}. */
export interface WidgetSettingsPageProps {
  api: ConsoleApi;
  isAdmin: boolean;
}

/** The page for admins, a notice for everyone else. */
export function WidgetSettingsPage({ api, isAdmin }: WidgetSettingsPageProps) {
  const { Component: Page, failed } = useLazyComponent(loadWidgetSettings, isAdmin);

  if (!isAdmin) {
    return (
      <section class="widget-settings-page" aria-labelledby="widget-settings-title">
        <h1 id="widget-settings-title">Widgets</h1>
        <p class="hint">Only admins can change the widgets’ settings. Ask an admin of your organization.</p>
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
  return Page ? <Page api={api} /> : <p class="hint">Loading…</p>;
}
