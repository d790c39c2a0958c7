/**
 * Connects Preact components to a {@link ConsoleController}.
 * @module
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleController } from './console-controller.js';
import type { ConsoleState } from './console-state.js';

/** The controller's current state; re-renders the component on every change. */
export function useControllerState(controller: ConsoleController): ConsoleState {
  const [state, setState] = useState(() => controller.getState());
  useEffect(() => {
    const update = () => setState(controller.getState());
    const unsubscribe = controller.subscribe(update);
    // A change between the first render and this subscription would otherwise be missed.
    update();
    return unsubscribe;
  }, [controller]);
  return state;
}
