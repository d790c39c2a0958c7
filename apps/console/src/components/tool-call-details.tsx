/**
 * One tool call of the bot, folded: a `<details>` whose summary names the tool and how long it took (and whether it
 * failed, and how a call that waited for a decision was decided), opening onto its input and its result or error as
 * indented JSON. Agents only, never the visitor.
 * @module
 */
import type { ToolCall } from '@parley/protocol';
import { formatFullTime } from '../format.js';

/** "120 ms" under a second, "2.4 s" from there: a slow tool stands out at a glance. */
function durationLabel(durationMs: number): string {
  return durationMs < 1000 ? `${durationMs} ms` : `${(durationMs / 1000).toFixed(1)} s`;
}

/**
 * How a call that waited for a decision went: " · approval: approved by Ana", " · confirmation: confirmed by the
 * visitor"; nothing for the bot's own tools and actions it runs at once.
 */
function decisionLabel({ policy, decision }: ToolCall): string {
  if (policy !== 'confirm' && policy !== 'approve') return '';
  const status = decision ? `${decision.status}${decision.by ? ` by ${decision.by}` : ''}` : 'no decision';
  return ` · ${policy === 'confirm' ? 'confirmation' : 'approval'}: ${status}`;
}

/** What a tool received or gave back, indented for reading. The log holds JSON only; a missing value reads `null`. */
function prettyJson(value: ToolCall['input'] | undefined): string {
  return JSON.stringify(value ?? null, null, 2);
}

/**
 * A tool call folded to its summary ("Tool: lookup_order · 120 ms", "· failed" when it did). Opened, it shows the input
 * and the result, or the error the model was told. Text children only: whatever a tool returned (a page's HTML, a
 * visitor's words) is shown as written, never interpreted.
 */
export function ToolCallDetails({ toolCall }: { toolCall: ToolCall }) {
  const { tool, durationMs, success } = toolCall;
  return (
    <details class={`tool-call${success ? '' : ' tool-call-failed'}`} data-tool-call-id={toolCall.id}>
      <summary class="tool-call-summary" title={formatFullTime(toolCall.createdAt)}>
        {`Tool: ${tool} · ${durationLabel(durationMs)}${success ? '' : ' · failed'}${decisionLabel(toolCall)}`}
      </summary>
      <dl class="tool-call-body">
        <dt>Input</dt>
        <dd>
          <pre class="tool-call-json">{prettyJson(toolCall.input)}</pre>
        </dd>
        {success ? (
          <>
            <dt>Result</dt>
            <dd>
              <pre class="tool-call-json">{prettyJson(toolCall.output)}</pre>
            </dd>
          </>
        ) : (
          <>
            <dt>Error</dt>
            <dd>
              <pre class="tool-call-json tool-call-error">{toolCall.error ?? 'No reason was recorded.'}</pre>
            </dd>
          </>
        )}
      </dl>
    </details>
  );
}

/** Props of {@link ToolCallList}. */
export interface ToolCallListProps {
  toolCalls: readonly ToolCall[];
  /** Calls whose turn stored no reply, on their own in the transcript. */
  unattached?: boolean;
}

/**
 * Tool calls in the order the bot made them: under the reply they led to, or on their own in the transcript when their
 * turn stored no reply (`unattached`, labelled so). Loaded in a chunk of its own (message-list.tsx).
 */
export function ToolCallList({ toolCalls, unattached = false }: ToolCallListProps) {
  return (
    <ul
      class={`tool-calls${unattached ? ' tool-calls-unattached' : ''}`}
      aria-label={unattached ? 'Bot tool calls without a reply' : 'Tool calls'}
    >
      {toolCalls.map((toolCall) => (
        <li key={toolCall.id}>
          <ToolCallDetails toolCall={toolCall} />
        </li>
      ))}
    </ul>
  );
}
