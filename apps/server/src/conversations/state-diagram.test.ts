import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conversationEventTypes, transitionTable, type ConversationEventType, type ConversationState } from './machine.js';
import { renderStateDiagram, renderStatesDoc } from './state-diagram.js';

const docPath = new URL('../../../../docs/conversation-states.md', import.meta.url);

describe('docs/conversation-states.md', () => {
  it('matches the transition table', () => {
    const onDisk = readFileSync(docPath, 'utf8');
    expect(onDisk, 'docs/conversation-states.md is out of date: run `pnpm docs:states` and commit the result').toBe(renderStatesDoc());
  });
});

describe('renderStateDiagram', () => {
  const diagram = renderStateDiagram();
  const edges = new Set(diagram.split('\n').map((line) => line.trim()));
  // Read from the table itself, so that any pair added to it must show up in the diagram.
  const accepted = (Object.keys(transitionTable) as ConversationState[]).flatMap((state) =>
    conversationEventTypes
      .filter((event) => transitionTable[state][event])
      .map((event): [ConversationEventType, ConversationState] => [event, state]),
  );

  it('starts with the bot and ends when closed', () => {
    expect(diagram.split('\n').slice(0, 2)).toEqual(['stateDiagram-v2', '  [*] --> bot']);
    expect(edges).toContain('closed --> [*]');
  });

  it.each(accepted)('draws an edge for %s in %s', (event, state) => {
    expect([...edges].some((edge) => edge.startsWith(`${state} --> `) && edge.endsWith(`: ${event}`))).toBe(true);
  });

  it('draws nothing but the accepted pairs (one edge per next state a payload can lead to), the start and the end', () => {
    const drawn = [...edges].filter((edge) => edge.includes(' --> ') && !edge.includes('[*]'));
    const unaccepted = drawn.filter(
      (edge) => !accepted.some(([event, state]) => edge.startsWith(`${state} --> `) && edge.endsWith(`: ${event}`)),
    );
    expect(unaccepted).toEqual([]);
    expect(edges.size).toBe(drawn.length + 3);
    // Where the visitor's message reopens a resolved conversation depends on the widget's rule: all three are drawn.
    expect(drawn.filter((edge) => edge.startsWith('resolved --> ') && edge.endsWith(': visitor.message'))).toHaveLength(3);
  });
});
