/**
 * How a bot message was produced, folded under it: a `<details>` that, opened, shows the model that wrote it, the bot
 * profile that answered ("Profile: Billing"; nothing when the widget's own bot settings did) and how many knowledge-base
 * passages the model was shown and cited. Loaded with the bot's other turn details (bot-turn-details.ts); the
 * conversation's `/api/conversations/:id/bot-replies` is asked for once, when one is first opened, and again only for a
 * message it did not hold yet. Agents only, never the visitor.
 * @module
 */
import type { BotReply, BotReplyList } from '@parley/protocol';
import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';

/** Props of {@link BotReplyDetails}. */
export interface BotReplyDetailsProps {
  conversationId: string;
  messageId: string;
  /** The API's generic request: the route is called from here, out of the bundle every agent loads. */
  request: ConsoleApi['request'];
}

// The bot replies of the conversations whose details were opened, by conversation: one request for all its messages.
const loaded = new Map<string, Promise<BotReply[]>>();

/** The bot reply of `messageId`; null when the server holds none (a greeting, a handoff line). */
async function botReplyOf({ conversationId, messageId, request }: BotReplyDetailsProps): Promise<BotReply | null> {
  const ask = () => {
    const replies = request<BotReplyList>('GET', `/api/conversations/${encodeURIComponent(conversationId)}/bot-replies`).then(
      ({ botReplies }) => botReplies,
    );
    loaded.set(conversationId, replies);
    // A failure is not kept: the next opening asks again.
    replies.catch(() => loaded.delete(conversationId));
    return replies;
  };
  const find = (replies: BotReply[]) => replies.find((reply) => reply.messageId === messageId);
  const cached = loaded.get(conversationId);
  // A message newer than what was loaded: ask again.
  return (cached && find(await cached)) ?? find(await ask()) ?? null;
}

/** Folded to "Details"; opened, the model, the profile and the passages of the bot reply. */
export function BotReplyDetails(props: BotReplyDetailsProps) {
  const [state, setState] = useState<{ reply?: BotReply | null; error?: string } | null>(null);

  function toggle(event: Event) {
    // Asked once; after a failure, again on the next opening.
    if ((state && !state.error) || !(event.currentTarget as HTMLDetailsElement).open) return;
    setState({});
    botReplyOf(props).then(
      (reply) => setState({ reply }),
      (failure: unknown) => setState({ error: errorMessage(failure) }),
    );
  }

  const reply = state?.reply;
  const cited = reply?.sources.filter((source) => source.cited).length ?? 0;
  return (
    <details class="tool-call" onToggle={toggle}>
      <summary class="tool-call-summary">Details</summary>
      <div class="tool-call-body">
        {state?.error ? (
          <p role="alert">{state.error} Close and open the details to try again.</p>
        ) : reply ? (
          <>
            <p>Model: {reply.model}</p>
            {reply.profile && <p>Profile: {reply.profile.name}</p>}
            <p>
              Passages shown: {reply.sources.length}, cited: {cited}
            </p>
          </>
        ) : reply === null ? (
          <p>No details were recorded for this message.</p>
        ) : (
          <p>Loading…</p>
        )}
      </div>
    </details>
  );
}
