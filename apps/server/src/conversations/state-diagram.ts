/**
 * Renders {@link transitionTable} as docs/conversation-states.md: a Mermaid state diagram and the full state × event
 * table. `pnpm docs:states` rewrites the file; `state-diagram.test.ts` fails when the file and the table disagree, so
 * the docs cannot drift from the machine.
 *
 * Run directly, `node apps/server/dist/bot/state-diagram.js` prints the document and `--write` writes it.
 * @module
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  conversationEventTypes,
  transition,
  transitionTable,
  type ConversationEvent,
  type ConversationEventType,
  type ConversationState,
  type Effect,
} from './machine.js';

/** New conversations start with the bot. The machine only knows transitions, so the start state is stated here. */
const initialState: ConversationState = 'bot';

/**
 * A stand-in for a field the effects copy from the event. The generated table then reads `event.agentId` instead of
 * a made-up id that would look like a constant. The cast is safe because the machine only copies these values.
 */
function fromEvent<T extends string>(field: string): T {
  return `event.${field}` as T;
}

/** One event of every type, used to ask the machine what it does; each payload field is a {@link fromEvent} stand-in. */
const sampleEvents: { [T in ConversationEventType]: Extract<ConversationEvent, { type: T }> } = {
  'visitor.message': { type: 'visitor.message' },
  'bot.replied': { type: 'bot.replied' },
  'handoff.requested': { type: 'handoff.requested', by: fromEvent('by'), reason: fromEvent('reason') },
  'agent.accepted': { type: 'agent.accepted', agentId: fromEvent('agentId') },
  'agent.handed-back': { type: 'agent.handed-back', agentId: fromEvent('agentId') },
  'conversation.resolved': { type: 'conversation.resolved', by: fromEvent('by') },
  'inactivity.timeout': { type: 'inactivity.timeout' },
  'conversation.closed': { type: 'conversation.closed' },
};

const eventFieldStandIns = new Set(
  Object.values(sampleEvents).flatMap((event) => Object.entries(event).flatMap(([key, value]) => (key === 'type' ? [] : [value]))),
);

/** What the machine does with one (state, event) pair: `next` is `null` when the pair is rejected. */
interface Cell {
  state: ConversationState;
  event: ConversationEventType;
  next: ConversationState | null;
  effects: Effect[];
}

/**
 * Every (state, event) pair in a fixed order, states as in {@link transitionTable} and events as in
 * {@link conversationEventTypes}, so the output does not depend on the order the table's rows are written in.
 */
function cells(): Cell[] {
  const states = Object.keys(transitionTable) as ConversationState[];
  return states.flatMap((state) =>
    conversationEventTypes.map((event) => {
      // Asking `transition` rather than reading the handlers keeps the docs true to what callers actually get.
      const result = transition(state, sampleEvents[event]);
      return result.ok ? { state, event, next: result.state, effects: result.effects } : { state, event, next: null, effects: [] };
    }),
  );
}

function formatEffect(effect: Effect): string {
  const fields = Object.entries(effect)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => `${key}: ${typeof value === 'string' && eventFieldStandIns.has(value) ? value : JSON.stringify(value)}`);
  return `\`${fields.length === 0 ? effect.type : `${effect.type} { ${fields.join(', ')} }`}\``;
}

/** Keeps a `|` inside a value from splitting a table cell. */
function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/**
 * The conversation lifecycle as a Mermaid `stateDiagram-v2`: one edge per accepted (state, event) pair, labelled with
 * the event type (self-loops included), the start state, and an end edge from every state that accepts nothing.
 * @returns The diagram source, without the surrounding code fence.
 */
export function renderStateDiagram(): string {
  const all = cells();
  const lines = ['stateDiagram-v2', `  [*] --> ${initialState}`];
  for (const { state, event, next } of all) if (next) lines.push(`  ${state} --> ${next}: ${event}`);
  const states = Object.keys(transitionTable) as ConversationState[];
  for (const state of states) if (all.every((cell) => cell.state !== state || cell.next === null)) lines.push(`  ${state} --> [*]`);
  return lines.join('\n');
}

/**
 * The full content of docs/conversation-states.md: an introduction, the {@link renderStateDiagram} diagram, and a table
 * with the next state and the effects of every (state, event) pair, `—` where the pair is rejected.
 */
export function renderStatesDoc(): string {
  const rows = cells().map(({ state, event, next, effects }) => {
    const outcome =
      next === null ? ['—', 'rejected (`transition_rejected`)'] : [`\`${next}\``, effects.map(formatEffect).join(', ') || 'none'];
    return `| \`${state}\` | \`${event}\` | ${outcome.map(escapeCell).join(' | ')} |`;
  });
  return [
    '<!-- Generated from apps/server/src/conversations/machine.ts by `pnpm docs:states`. Do not edit by hand. -->',
    '',
    '# Conversation states',
    '',
    'A conversation moves between the statuses `bot`, `queued`, `agent`, `resolved` and `closed` through a pure,',
    'table-driven state machine: `transitionTable` and `transition(state, event)` in',
    '`apps/server/src/conversations/machine.ts`. A transition returns the next state and its effects as data; the server commits',
    'the state first and carries out the effects afterwards. A pair the table does not list is rejected with',
    '`transition_rejected`, and new conversations start with the bot.',
    '',
    '```mermaid',
    renderStateDiagram(),
    '```',
    '',
    'Fields written `event.<name>` are copied from the event.',
    '',
    '| State | Event | Next state | Effects |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Whether this file is the program Node was started with, not a module imported by one (e.g. by a test). */
function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    // realpath: a symlinked checkout starts the script through a path that differs from `import.meta.url`.
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    // The entry point is not a file on disk (`node -e`, a REPL): this module was imported.
    return false;
  }
}

if (isMain()) {
  const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
  const doc = renderStatesDoc();
  if (values.write) {
    // dist/bot (or src/bot) → the repository root's docs/.
    const target = new URL('../../../../docs/conversation-states.md', import.meta.url);
    writeFileSync(target, doc);
    console.log(`Wrote ${fileURLToPath(target)}`);
  } else {
    process.stdout.write(doc);
  }
}
