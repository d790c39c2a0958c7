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

/**
 * One event of every type, used to ask the machine what it does; each payload field is a {@link fromEvent} stand-in.
 * An event whose payload decides the next state (where a reopened conversation goes, whom a transfer is to) has one
 * sample per variant, each named.
 */
const sampleEvents: { [T in ConversationEventType]: { variant?: string; event: Extract<ConversationEvent, { type: T }> }[] } = {
  'visitor.message': [
    { variant: 'reopen to the bot, the default', event: { type: 'visitor.message' } },
    { variant: 'reopen to the queue', event: { type: 'visitor.message', reopen: { to: 'queue' } } },
    { variant: 'reopen to the agent', event: { type: 'visitor.message', reopen: { to: 'agent', agentId: fromEvent('reopen.agentId') } } },
  ],
  'bot.replied': [{ event: { type: 'bot.replied' } }],
  'handoff.requested': [{ event: { type: 'handoff.requested', trigger: fromEvent('trigger'), reason: fromEvent('reason') } }],
  'agent.accepted': [{ event: { type: 'agent.accepted', agentId: fromEvent('agentId') } }],
  'agent.handed-back': [{ event: { type: 'agent.handed-back', agentId: fromEvent('agentId') } }],
  'agent.unassigned': [{ event: { type: 'agent.unassigned', agentId: fromEvent('agentId') } }],
  'conversation.transferred': [
    { variant: 'to an agent', event: { type: 'conversation.transferred', target: { to: 'agent', agentId: fromEvent('target.agentId') } } },
    { variant: 'to a team', event: { type: 'conversation.transferred', target: { to: 'team', teamId: fromEvent('target.teamId') } } },
  ],
  'conversation.resolved': [{ event: { type: 'conversation.resolved', by: fromEvent('by') } }],
  'inactivity.timeout': [{ event: { type: 'inactivity.timeout' } }],
  'conversation.closed': [{ event: { type: 'conversation.closed' } }],
};

/** Every string of a sample's payload, nested objects included. */
function payloadStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(payloadStrings);
  return [];
}

const eventFieldStandIns = new Set(
  Object.values(sampleEvents).flatMap((samples) =>
    samples.flatMap(({ event }) => Object.entries(event).flatMap(([key, value]) => (key === 'type' ? [] : payloadStrings(value)))),
  ),
);

/** What the machine does with one (state, event) pair: `next` is `null` when the pair is rejected. */
interface Cell {
  state: ConversationState;
  event: ConversationEventType;
  variant: string | undefined;
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
    conversationEventTypes.flatMap((event) => {
      // Asking `transition` rather than reading the handlers keeps the docs true to what callers actually get.
      const cellsOfEvent = sampleEvents[event].map(({ variant, event: sample }): Cell => {
        const result = transition(state, sample);
        return result.ok
          ? { state, event, variant, next: result.state, effects: result.effects }
          : { state, event, variant, next: null, effects: [] };
      });
      // Where the payload makes no difference (a rejected event, a message to a bot conversation), one row says so.
      const outcomes = new Set(cellsOfEvent.map((cell) => JSON.stringify([cell.next, cell.effects])));
      return outcomes.size === 1 ? [{ ...cellsOfEvent[0]!, variant: undefined }] : cellsOfEvent;
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
  const edges = new Set<string>();
  for (const { state, event, next } of all) if (next) edges.add(`  ${state} --> ${next}: ${event}`);
  lines.push(...edges);
  const states = Object.keys(transitionTable) as ConversationState[];
  for (const state of states) if (all.every((cell) => cell.state !== state || cell.next === null)) lines.push(`  ${state} --> [*]`);
  return lines.join('\n');
}

/**
 * The full content of docs/conversation-states.md: an introduction, the {@link renderStateDiagram} diagram, and a table
 * with the next state and the effects of every (state, event) pair, `—` where the pair is rejected.
 */
export function renderStatesDoc(): string {
  const rows = cells().map(({ state, event, variant, next, effects }) => {
    const outcome =
      next === null ? ['—', 'rejected (`transition_rejected`)'] : [`\`${next}\``, effects.map(formatEffect).join(', ') || 'none'];
    const eventCell = variant ? `\`${event}\` (${variant})` : `\`${event}\``;
    return `| \`${state}\` | ${eventCell} | ${outcome.map(escapeCell).join(' | ')} |`;
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
    'Fields written `event.<name>` are copied from the event. A visitor message without `reopen` reopens a resolved',
    "conversation to the bot; the server sets `reopen` from the widget's routing rule (`reopen`: `bot`, `queue`, or",
    '`last_agent`, which is the agent who had it when they are online, else the queue).',
    'Every transition into or out of `queued` also has the effect `queue-changed` (added by `transition`, not by the',
    'rows): the visitors still waiting are told their new places.',
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
