/**
 * Several conversations per visitor, in the extras chunk: "Start a new conversation" under a resolved one (it closes it,
 * so that the next message starts anew), and "Earlier conversations", which opens the visitor's past conversations over
 * the panel, each to read again. Shown while the visitor has no conversation going on: a resolved one, or none.
 * @module
 */
import type { Message, VisitorConversationSummary } from '@parley/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { continues, MessageItem } from './app.js';
import { Annex } from './files.js';
import type { Catalog } from './i18n/en.js';
import type { WidgetClient } from './widget-client.js';

type Client = Pick<WidgetClient, 'session' | 'startConversation' | 'listConversations' | 'readConversation' | 'attachmentUrl'>;

/** What the overlay shows: the list, or one conversation's messages; `error` when loading it failed. */
type View =
  | { kind: 'list'; conversations?: VisitorConversationSummary[]; error?: string }
  | { kind: 'read'; summary: VisitorConversationSummary; messages?: Message[]; error?: string };

function reasonOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

/** Every message of a conversation, page after page. */
async function readAll(client: Client, conversationId: string): Promise<Message[]> {
  const read: Message[] = [];
  for (let page; !page || page.hasMore;) {
    page = await client.readConversation(conversationId, read.at(-1)?.seq ?? 0);
    read.push(...page.messages);
  }
  return read;
}

/** "Start a new conversation" and "Earlier conversations", and the overlay of the latter. */
export function Conversations({ client, text, botName }: { client: Client; text: Catalog; botName: string }) {
  const [view, setView] = useState<View | null>(null);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState('');
  const opener = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { session } = client;
  const status = session?.conversation?.status;
  // Focus goes to the overlay's heading as it opens or changes view, and back to the link once it closes.
  const shownKind = view && (view.kind === 'read' ? view.summary.id : 'list');
  const wasShown = useRef(false);
  useEffect(() => {
    if (shownKind) heading.current?.focus();
    else if (wasShown.current) opener.current?.focus();
    wasShown.current = !!shownKind;
  }, [shownKind]);

  if (status && status !== 'resolved') return null;
  const past = session?.pastConversations ?? 0;

  function showList() {
    setView({ kind: 'list' });
    client.listConversations().then(
      (conversations) => setView((current) => (current?.kind === 'list' ? { kind: 'list', conversations } : current)),
      (error: unknown) => setView((current) => (current?.kind === 'list' ? { kind: 'list', error: reasonOf(error) } : current)),
    );
  }

  function read(summary: VisitorConversationSummary) {
    setView({ kind: 'read', summary });
    readAll(client, summary.id).then(
      (messages) => setView((current) => (current?.kind === 'read' && current.summary === summary ? { ...current, messages } : current)),
      (error: unknown) =>
        setView((current) => (current?.kind === 'read' && current.summary === summary ? { ...current, error: reasonOf(error) } : current)),
    );
  }

  function startNew(event: Event) {
    if (starting) return;
    setStarting(true);
    setFailure('');
    // The button goes away with the conversation: the composer takes the focus, for the new conversation's message.
    const composer = (event.currentTarget as HTMLElement).closest('.panel')?.querySelector('textarea');
    client
      .startConversation()
      .then(
        () => composer?.focus(),
        (error: unknown) => setFailure(reasonOf(error)),
      )
      .finally(() => setStarting(false));
  }

  const current = session?.conversation?.id;
  const day = (iso: string) => new Date(iso).toLocaleDateString(text.lang, { dateStyle: 'medium' });

  return (
    <>
      <div class="conversation-actions">
        {status === 'resolved' && (
          <button type="button" class="new-conversation" onClick={startNew}>
            {text.newConversation}
          </button>
        )}
        {past > 0 && (
          <button type="button" class="transcript-offer" ref={opener} onClick={showList}>
            {text.pastConversations}
          </button>
        )}
      </div>
      {failure && (
        <p class="line error" role="alert">
          {failure}
        </p>
      )}
      {view && (
        <div
          class="history"
          role="dialog"
          aria-label={text.pastConversations}
          onKeyDown={(event) => {
            // Escape leaves this view first, not the whole chat.
            if (event.key !== 'Escape') return;
            event.stopPropagation();
            if (view.kind === 'read') showList();
            else setView(null);
          }}
        >
          <div class="history-header">
            <button
              type="button"
              onClick={() => (view.kind === 'read' ? showList() : setView(null))}
              aria-label={view.kind === 'read' ? text.allConversations : text.backToChat}
            >
              ←
            </button>
            <h3 tabIndex={-1} ref={heading}>
              {view.kind === 'read' ? day(view.summary.createdAt) : text.pastConversations}
            </h3>
          </div>
          {view.error ? (
            <p class="line error" role="alert">
              {text.loadFailed}: {view.error}
            </p>
          ) : view.kind === 'list' ? (
            view.conversations ? (
              <ul class="history-list">
                {view.conversations
                  .filter((summary) => summary.id !== current)
                  .map((summary) => (
                    <li key={summary.id}>
                      <button type="button" onClick={() => read(summary)}>
                        <b>{day(summary.createdAt)}</b>
                        <span dir="auto">{summary.lastMessage?.body.replace(/\*\*|__|`/g, '') ?? text.noMessages}</span>
                      </button>
                    </li>
                  ))}
              </ul>
            ) : (
              <p class="line muted" role="status">
                {text.loading}
              </p>
            )
          ) : view.messages ? (
            <div class="log" role="log" aria-label={text.log} tabIndex={0}>
              {view.messages.map((message, index) => (
                <MessageItem
                  key={message.id}
                  message={message}
                  grouped={continues(message, view.messages![index - 1])}
                  botName={botName}
                  text={text}
                  annex={(shown) => <Annex client={client} message={shown} text={text} />}
                />
              ))}
            </div>
          ) : (
            <p class="line muted" role="status">
              {text.loading}
            </p>
          )}
        </div>
      )}
    </>
  );
}
