/**
 * A tiny typed event emitter for the client's public events.
 * @module
 */

/** Maps event names to listener signatures. */
export type EventMap<Events> = { [E in keyof Events]: (...args: never[]) => void };

/** Subscribe with `on`, which returns the function that unsubscribes. */
export interface Emitter<Events extends EventMap<Events>> {
  on<E extends keyof Events>(event: E, listener: Events[E]): () => void;
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void;
}

/** Creates an {@link Emitter}. */
export function createEmitter<Events extends EventMap<Events>>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Events[keyof Events]>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return function unsubscribe() {
        set.delete(listener);
      };
    },
    emit(event, ...args) {
      // A Set visits listeners added during the loop and skips those removed before their turn.
      for (const listener of listeners.get(event) ?? []) {
        try {
          (listener as unknown as (...values: unknown[]) => void)(...args);
        } catch (error) {
          // A failing listener must not leave the client half-updated; report it the way an event handler would.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
