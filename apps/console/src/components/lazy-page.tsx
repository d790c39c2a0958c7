/**
 * A page loaded from its own chunk on first visit (see {@link useLazyComponent}), with a loading line meanwhile and a
 * clear message when the chunk cannot be loaded.
 * @module
 */
import type { ComponentType } from 'preact';
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';

/** Props of {@link LazyPage}. */
export interface LazyPageProps<Props> {
  /** Loads the page's component: a stable, module-level function. */
  load: () => Promise<ComponentType<Props>>;
  /** The page's props. */
  props: Props;
}

/** The page `load` resolves to, rendered with `props`. */
export function LazyPage<Props>({ load, props }: LazyPageProps<Props>) {
  const { Component, failed } = useLazyComponent(load);
  if (failed) {
    return (
      <p class="form-error" role="alert">
        {lazyLoadFailure}
      </p>
    );
  }
  return Component ? <Component {...(props as Props & object)} /> : <p class="hint">Loading…</p>;
}
