import { act } from 'preact/test-utils';

/** Lets a few rounds of effects, fetches and state updates finish before a test looks at what was rendered. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 5; round++) await act(async () => {});
}
