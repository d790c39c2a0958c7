/**
 * The chat UI: launcher, panel, message log and composer.
 * @module
 */
import type { Message } from '@parley/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { WidgetClient } from './widget-client.js';

// An agent's "typing" is dropped after this long without news, in case its `typing: false` got lost.
const AGENT_TYPING_TIMEOUT_MS = 8000;

// Accessible names are a contract: tests and assistive technology users rely on them.
const text = {
  open: 'Open chat',
  close: 'Close chat',
  composer: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  log: 'Messages',
  you: 'You',
  agent: 'Agent',
  bot: 'Bot',
  typing: 'Agent is typing…',
  sending: 'Sending…',
  waiting: 'Not sent yet: waiting for the connection',
  offline: "You're offline. Your messages will be sent when the connection is back.",
  connectionFailed: "Couldn't connect to chat",
  notSent: 'Message not sent',
} as const;

const fallbackTitle = 'Chat with us';
const colorPattern = /^#[0-9a-f]{6}$/i;

/** Props of {@link App}. */
export interface AppProps {
  client: WidgetClient;
  /** Whether the panel is open; the launcher asks for changes through `onOpenChange`. */
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/** Re-renders the calling component whenever the client reports a change. */
function useClientUpdates(client: WidgetClient) {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const update = () => setVersion((version) => version + 1);
    const stops = [
      client.on('message', update),
      client.on('pending', update),
      client.on('status', update),
      client.on('session', update),
      client.on('conversation', update),
    ];
    return function unsubscribe() {
      for (const stop of stops) stop();
    };
  }, [client]);
}

/** True while an agent is typing, per the client's `typing` events; a message from the other side ends it. */
function useAgentTyping(client: WidgetClient) {
  const [typing, setTyping] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      clearTimeout(timer);
      setTyping(false);
    };
    const stops = [
      client.on('typing', (change) => {
        if (!change.typing || change.author.kind === 'visitor') return stop();
        clearTimeout(timer);
        timer = setTimeout(stop, AGENT_TYPING_TIMEOUT_MS);
        setTyping(true);
      }),
      client.on('message', (message) => {
        if (message.author.kind !== 'visitor') stop();
      }),
    ];
    return function unsubscribe() {
      clearTimeout(timer);
      for (const unsubscribeOne of stops) unsubscribeOne();
    };
  }, [client]);
  return typing;
}

function ChatIcon({ open }: { open: boolean }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
      <path d={open ? 'M6 6l12 12M18 6 6 18' : 'M4 5h16v11H9l-5 4z'} />
    </svg>
  );
}

function authorLabel(message: Message): string {
  const { kind, name } = message.author;
  if (kind === 'visitor') return text.you;
  return name ?? (kind === 'agent' ? text.agent : kind === 'bot' ? text.bot : '');
}

function MessageItem({ message }: { message: Message }) {
  const { kind } = message.author;
  const label = authorLabel(message);
  return (
    <div class={`message ${kind}`} data-author={kind}>
      {/* The visitor's own messages are marked by position and colour; screen readers get the words. */}
      {label && <span class={kind === 'visitor' ? 'author hidden' : 'author'}>{label}</span>}
      {/* Text only, through Preact text nodes: message bodies are never parsed as HTML. */}
      <p>{message.body}</p>
    </div>
  );
}

/**
 * The whole widget: a launcher button and, when open, the chat panel. It reads everything from `client` and
 * re-renders on the client's events.
 *
 * @example
 * ```tsx
 * render(<App client={client} open={open} onOpenChange={setOpen} />, container)
 * ```
 */
export function App({ client, open, onOpenChange }: AppProps) {
  useClientUpdates(client);
  const agentTyping = useAgentTyping(client);
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<string | null>(null);
  const composer = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);

  const { status, error, session, messages, pending } = client;
  const settings = session?.widget;
  const title = settings?.title || fallbackTitle;
  const accent = settings && colorPattern.test(settings.accentColor) ? settings.accentColor : undefined;

  // Focus the composer when the visitor opens the panel, but not when it starts open: that would steal the page's focus.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open && !wasOpen.current) composer.current?.focus();
    wasOpen.current = open;
  }, [open]);

  // Keep the newest message in view.
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [open, messages, pending, agentTyping]);

  function submit() {
    const body = draft;
    if (!body.trim()) return;
    setDraft('');
    setSendError(null);
    client.send(body).catch((failure: unknown) => {
      setSendError(`${text.notSent}: ${failure instanceof Error ? failure.message : String(failure)}`);
    });
  }

  function handleKeyDown(event: KeyboardEvent) {
    // Enter sends, Shift+Enter makes a new line; Enter that confirms an IME composition does neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  function handlePanelKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      onOpenChange(false);
      launcher.current?.focus();
    }
  }

  return (
    <div class={settings?.position === 'left' ? 'root left' : 'root'} style={accent ? { '--parley-accent': accent } : undefined}>
      {open && (
        <section id="parley-panel" class="panel" role="dialog" aria-label={title} onKeyDown={handlePanelKeyDown}>
          <header class="header">
            <h2>{title}</h2>
          </header>
          <div class="log" role="log" aria-label={text.log} ref={log}>
            {settings?.greeting && (
              <div class="message agent greeting">
                <p>{settings.greeting}</p>
              </div>
            )}
            {messages.map((message) => (
              <MessageItem key={message.id} message={message} />
            ))}
            {pending.map((item) => (
              <div key={item.clientId} class="message visitor pending" data-pending="true">
                <span class="author hidden">{text.you}</span>
                <p>{item.body}</p>
                <span class="note">{status === 'connected' ? text.sending : text.waiting}</span>
              </div>
            ))}
          </div>
          {agentTyping && (
            <p class="line typing" role="status">
              {text.typing}
            </p>
          )}
          {status === 'error' && (
            <p class="line error" role="alert">
              {text.connectionFailed}
              {error ? `: ${error.message}` : '.'}
            </p>
          )}
          {status === 'offline' && (
            <p class="line offline" role="status">
              {text.offline}
            </p>
          )}
          {sendError && (
            <p class="line error" role="alert">
              {sendError}
            </p>
          )}
          <form
            class="composer"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <textarea
              ref={composer}
              rows={1}
              aria-label={text.composer}
              placeholder={text.placeholder}
              value={draft}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setDraft(value);
                setSendError(null);
                client.setTyping(value.trim().length > 0);
              }}
              onKeyDown={handleKeyDown}
            />
            <button type="submit" disabled={!draft.trim()}>
              {text.send}
            </button>
          </form>
        </section>
      )}
      <button
        ref={launcher}
        type="button"
        class="launcher"
        aria-label={open ? text.close : text.open}
        aria-expanded={open}
        aria-controls={open ? 'parley-panel' : undefined}
        onClick={() => onOpenChange(!open)}
      >
        <ChatIcon open={open} />
      </button>
    </div>
  );
}
