import { BOT_BUILT_IN_TOOL_NAMES } from '@parley/protocol';
import { expect, it } from 'vitest';
import { builtInTools } from '../runner.js';

it('names every built-in tool in the protocol, so that no admin action can take its name', () => {
  expect(builtInTools.map((tool) => tool.name).toSorted()).toEqual([...BOT_BUILT_IN_TOOL_NAMES].toSorted());
});
