/**
 * The "AI help" panel of a conversation: a summary of the conversation so far, asked for by itself once per session
 * when the agent opens a handed-off chat, and a suggested reply the agent can insert into the reply box and edit. Both
 * stream in (Claude, or the server's offline extracts) with the knowledge-base passages they used.
 * @module
 */
import { citationHref, citationLabel, type ConversationStatus } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { withoutCitationMarkers, type AssistAnswer, type AssistKind, type AssistStore } from '../assist.js';

/** Props of {@link AssistPanel}. */
export interface AssistPanelProps {
  assist: AssistStore;
  conversationId: string;
  /** The conversation's status; undefined while unknown. */
  status: ConversationStatus | undefined;
  /** Whether the messages are loaded, and whether the bot wrote any: with the status, what makes a handed-off chat. */
  loaded: boolean;
  hasBotMessages: boolean;
  /** Puts the suggested reply into the reply box, at the caret, for the agent to edit. */
  onInsert: (text: string) => void;
}

/** True for a conversation the bot handed to people: waiting for one, or with one, after the bot wrote. */
export function isHandedOff(status: ConversationStatus | undefined, hasBotMessages: boolean): boolean {
  return (status === 'queued' || status === 'agent') && hasBotMessages;
}

/** The store's answer of `kind` for the conversation, re-rendering on every change. */
function useAssistAnswer(assist: AssistStore, conversationId: string, kind: AssistKind): AssistAnswer | undefined {
  const [answer, setAnswer] = useState(() => assist.get(conversationId, kind));
  useEffect(() => {
    const update = () => setAnswer(assist.get(conversationId, kind));
    const unsubscribe = assist.subscribe(update);
    update();
    return unsubscribe;
  }, [assist, conversationId, kind]);
  return answer;
}

const busy = (answer: AssistAnswer | undefined) => answer?.status === 'requesting' || answer?.status === 'streaming';

/** One answer: its text as it streams, its sources, or why it failed with a Retry. */
function AnswerView(props: { label: string; answer: AssistAnswer; onRetry: () => void; children?: ComponentChildren }) {
  const { answer, label } = props;
  const streaming = busy(answer);
  return (
    // A long answer scrolls (max-height in the CSS): focusable and named, so keyboard users can scroll it too.
    <div class={`assist-answer assist-${answer.status}`} tabIndex={0} role="region" aria-label={label}>
      <p class="assist-label">{label}</p>
      {/* Text child only: what the model wrote is shown, never interpreted. */}
      <p class="assist-text" aria-live="polite" aria-busy={streaming}>
        {answer.text || (streaming ? 'Writing…' : '')}
      </p>
      {answer.error !== null && (
        <p class="assist-error" role="alert">
          <span>{answer.error}</span>
          <button type="button" class="link-button" onClick={props.onRetry}>
            Retry
          </button>
        </p>
      )}
      {answer.sources.length > 0 && (
        <ol class="assist-sources" aria-label="Sources">
          {answer.sources.map((source) => {
            const href = citationHref(source);
            return (
              <li key={source.index} value={source.index}>
                {href ? (
                  <a href={href} target="_blank" rel="noopener noreferrer">
                    {citationLabel(source)}
                  </a>
                ) : (
                  citationLabel(source)
                )}
              </li>
            );
          })}
        </ol>
      )}
      {props.children}
    </div>
  );
}

/** The panel. */
export function AssistPanel({ assist, conversationId, status, loaded, hasBotMessages, onInsert }: AssistPanelProps) {
  const headingId = useId();
  const summary = useAssistAnswer(assist, conversationId, 'summary');
  const reply = useAssistAnswer(assist, conversationId, 'reply');
  const handedOff = isHandedOff(status, hasBotMessages);

  useEffect(() => {
    if (loaded && handedOff) assist.autoSummarize(conversationId);
  }, [assist, conversationId, loaded, handedOff]);

  const ask = (kind: AssistKind) => assist.request(conversationId, kind);

  return (
    <section class="assist-panel" aria-labelledby={headingId}>
      <div class="assist-header">
        <h3 id={headingId}>AI help</h3>
        <button type="button" class="button button-ghost" disabled={busy(summary)} onClick={() => ask('summary')}>
          {summary ? 'Summarize again' : 'Summarize'}
        </button>
        <button type="button" class="button button-ghost" disabled={busy(reply)} onClick={() => ask('reply')}>
          Suggest a reply
        </button>
      </div>
      {summary && <AnswerView label="Summary" answer={summary} onRetry={() => ask('summary')} />}
      {reply && (
        <AnswerView label="Suggested reply" answer={reply} onRetry={() => ask('reply')}>
          {reply.status === 'done' && reply.insertable && reply.text.trim() !== '' && (
            <button type="button" class="button assist-insert" onClick={() => onInsert(withoutCitationMarkers(reply.text))}>
              Insert
            </button>
          )}
        </AnswerView>
      )}
    </section>
  );
}
