/**
 * Re-renders a component on a timer, for text relative to the current time ("due in 5 min").
 * @module
 */
import { useEffect, useState } from 'preact/hooks';

/**
 * The current time in milliseconds; the component re-renders every `intervalMs` so text relative to it stays true, and
 * the timer stops when it unmounts. Read at each render, so a render for another reason (new props) is exact too.
 */
export function useNow(intervalMs: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return Date.now();
}
