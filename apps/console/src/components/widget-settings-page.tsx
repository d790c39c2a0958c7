/**
 * The Settings → Widgets route: admins get the page, loaded on first visit (its own chunk, so agents never download
 * it); agents are told it is not theirs. The server refuses them too (`forbidden`).
 * @module
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import type { WidgetSettingsProps } from './widget-settings.js';

/** Props of {@link WidgetSettingsPage}. */
export interface WidgetSettingsPageProps {
  api: ConsoleApi;
  isAdmin: boolean;
}

/** The page for admins, a notice for everyone else. */
export function WidgetSettingsPage({ api, isAdmin }: WidgetSettingsPageProps) {
  const [Page, setPage] = useState<ComponentType<WidgetSettingsProps> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!isAdmin) return;
    let live = true;
    import('./widget-settings.js').then(
      (module) => live && setPage(() => module.WidgetSettings),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [isAdmin]);

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
        The page could not be loaded. Check your connection and reload.
      </p>
    );
  }
  return Page ? <Page api={api} /> : <p class="hint">Loading…</p>;
}
