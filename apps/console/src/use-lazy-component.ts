/**
 * Loads a component from its own chunk on first use, so that pages only some agents open (settings, the knowledge
 * base, an invitation) stay out of the bundle every agent loads (see apps/console/size-budget.json).
 * @module
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Where a lazily loaded component stands: loading, `failed` (offline, or a deploy replaced the chunk), or loaded. */
export interface LazyComponent<Props> {
  Component: ComponentType<Props> | null;
  failed: boolean;
}

/**
 * The component `load` resolves to, once loaded; nothing is loaded while `enabled` is false (an agent on an admins'
 * page). `load` is called once per mount: pass a stable function, such as a module-level `() => import(…)`.
 */
export function useLazyComponent<Props>(load: () => Promise<ComponentType<Props>>, enabled = true): LazyComponent<Props> {
  const [Component, setComponent] = useState<ComponentType<Props> | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    load().then(
      // A function component is itself a function: the updater form keeps useState from calling it.
      (loaded) => live && setComponent(() => loaded),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return { Component, failed };
}

/** What a page says when its chunk could not be loaded. */
export const lazyLoadFailure = 'The page could not be loaded. Check your connection and reload.';
