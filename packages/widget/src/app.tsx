/**
 * The chat UI: launcher, panel, message log and composer.
 * @module
 */
import { ParleyError, type Message } from '@parley/client';
import { TYPING_EXPIRY_MS } from '@parley/client/thread';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { en, type MainCatalog } from './i18n/en.js';
import type { WidgetClient } from './widget-client.js';
import { Linkified, Markdown } from './markdown.js';
import { initials } from './initials.js';
import { accentText, isDark } from './theme.js';
import { isHexColor, type WidgetAppearance } from './widget-settings.js';

/** Props of {@link App}. */
export interface AppProps {
  client: WidgetClient;
  /** Whether the panel is open; the launcher asks for changes through `onOpenChange`. */
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Told how many replies are unread whenever that changes (0 while the panel is open). */
  onUnread?: ((count: number) => void) | undefined;
  /** The widget's settings known before connecting; the session's, once loaded, take their place. */
  settings?: WidgetAppearance | undefined;
  /** An accent color that wins over the settings' one (the script tag's `data-color`). */
  accentColor?: string | undefined;
  /** The words to show, in the visitor's language (see `i18n/load-catalog.ts`); English by default. */
  text?: MainCatalog | undefined;
  /** Proactive messages the page asked for (`Parley.trigger(id)`), in order. */
  triggered?: readonly string[] | undefined;
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
      client.on('draft', update),
      client.on('queue', update),
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
        // Dropped after this long without news, in case the agent's `typing: false` got lost.
        timer = setTimeout(stop, TYPING_EXPIRY_MS);
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

/** Below this width the open panel fills the screen (the same figure as the CSS's media query). */
const PHONE = '(max-width: 639.98px)';

/**
 * While `active` (checked when a dependency changes), what `run` does with a chunk loaded by `load`, undone by the
 * function it returns when a dependency changes or the widget goes; nothing if that happens before the chunk is in.
 */
function useChunkEffect<T>(active: unknown, deps: unknown[], load: () => Promise<T>, run: (chunk: T) => () => void) {
  useEffect(() => {
    if (!active) return;
    let undo: (() => void) | undefined;
    let gone = false;
    // A chunk that can't be loaded (the network went) costs only what it does: nothing to undo.
    load().then(
      (chunk) => gone || (undo = run(chunk)),
      () => {},
    );
    return () => {
      gone = true;
      undo?.();
    };
  }, deps);
}

/**
 * On a phone, while the panel is open, it fills the screen above the on-screen keyboard and the page behind it stays
 * put (`phone.ts`, a chunk loaded the first time).
 */
function usePhoneFit(open: boolean, root: { current: HTMLDivElement | null }) {
  useChunkEffect(
    open && matchMedia(PHONE).matches,
    [open],
    () => import('./phone.js'),
    (phone) => phone.fitToScreen(root.current!),
  );
}

/**
 * The page's title shows who wrote, once, for a few seconds, when an unread reply arrives: a visitor in another tab or
 * further down the page notices it without the title flashing on and on. With the widget's `sound`, a chime. Both in
 * a chunk of their own (`unread.ts`).
 */
function useTitleBlink(latest: Message | undefined, botName: string, text: MainCatalog, sound: boolean | undefined) {
  useChunkEffect(
    latest,
    [latest?.id],
    () => import('./unread.js'),
    (unread) => unread.announce(text.newFrom(authorLabel(latest!, botName, text)), sound),
  );
}

/** The launcher's "close" cross. Its chat icon, shown while closed, is drawn in CSS, as the loader draws it. */
function CloseIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
      <path d="M6 6l12 12M18 6 6 18" />
    </svg>
  );
}

/** A chunk only some visitors need, loaded by `load` the first time `wanted`; null until then. */
function useChunk<T>(wanted: unknown, load: () => Promise<T>): T | null {
  const [chunk, setChunk] = useState<T | null>(null);
  useEffect(() => {
    if (wanted && !chunk) void load().then(setChunk);
  }, [wanted, chunk]);
  return chunk;
}

/** The forms only some visitors need (`extras.ts`, a chunk of its own), loaded the first time `wanted`. */
const loadExtras = () => import('./extras.js');
/** Files and sources: the composer's attach button, a message's files and cited sources (`files.tsx`), loaded when the panel first opens. */
const loadFiles = () => import('./files.js');
/** The widget's proactive messages (`proactive.tsx`), for widgets that have some. */
const loadProactive = () => import('./proactive.js');
/** What a theme of the widget's own needs (`theme-extras.tsx`: dark, a launcher label, the team), loaded when used. */
const loadTheme = () => import('./theme-extras.js');

/** "You're number 2 in the queue. Usually within 3 min." — the wait, in whole minutes, only when the server knows one. */
function queueText(text: MainCatalog, position: number, waitSeconds: number | null): string {
  return text.queue(position, waitSeconds === null ? null : Math.ceil(waitSeconds / 60) || 1);
}

function reasonOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

function authorLabel(message: Message, botName: string, text: MainCatalog): string {
  const { kind, name } = message.author;
  if (kind === 'visitor') return text.you;
  return name ?? (kind === 'agent' ? text.agent : kind === 'bot' ? botName : '');
}

/** Consecutive messages of one author within this long share one name and avatar. */
const GROUP_MS = 5 * 60_000;

/** Whether `message` continues `previous`'s group: same author, written soon after. */
export function continues(message: Message, previous: Message | undefined): boolean {
  return (
    !!previous &&
    previous.author.kind === message.author.kind &&
    previous.author.name === message.author.name &&
    Date.parse(message.createdAt) - Date.parse(previous.createdAt) < GROUP_MS
  );
}

/** "14:05" today, "Nov 28, 2026, 14:05" before, in the visitor's language. */
function timeText(iso: string, lang: string): string {
  const date = new Date(iso);
  const today = date.toDateString() === new Date().toDateString();
  return date.toLocaleString(lang, today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A message's text: markdown for the bot's and agents' (in a `div`, its blocks), links only in the visitor's own. Its
 * direction follows its own words (`dir="auto"`): an English reply reads left to right in an Arabic widget.
 */
function messageBody(kind: string, text: string) {
  const Block = kind === 'visitor' ? 'p' : 'div';
  return (
    <Block class="body" dir="auto">
      {kind === 'visitor' ? <Linkified text={text} /> : <Markdown text={text} />}
    </Block>
  );
}

/** One message of a log: also the earlier conversations' (`conversations.tsx`). */
export function MessageItem({
  message,
  grouped,
  botName,
  text,
  annex,
}: {
  message: Message;
  grouped: boolean;
  botName: string;
  text: MainCatalog;
  /** Draws what a message carries under its text, its files and sources (`files.tsx`), once that chunk is in. */
  annex?: ((message: Message) => ComponentChildren) | null | undefined;
}) {
  const { kind, avatarUrl } = message.author;
  // A status line ("You're number 2 in the queue.") shows its body: the server words it for the visitor when it writes
  // it, so the widget carries no wording of its own and shows the lines of newer servers too.
  if (kind === 'system') {
    return (
      <div class="message system" data-author={kind}>
        <p>{message.body}</p>
      </div>
    );
  }
  const label = authorLabel(message, botName, text);
  return (
    <div class={`message ${kind}${grouped ? ' grouped' : ''}`} data-author={kind}>
      {/* The visitor's own messages are marked by position and colour; screen readers get the words. A group of messages
          names its author once. */}
      {label && (
        // The avatar is drawn by the CSS from `data-initials`, so the name is the element's only text; an agent's picture
        // is its background (`--p`) instead of the initials. The URL is the server's own (`avatars/avatar-url.ts`).
        <span
          class={kind === 'visitor' || grouped ? 'author hidden' : 'author'}
          data-initials={kind === 'visitor' ? undefined : avatarUrl ? '' : initials(label)}
          style={avatarUrl && `--p:url(${JSON.stringify(avatarUrl)})`}
        >
          {label}
        </span>
      )}
      {/* Never parsed as HTML: markdown from the bot and agents, links in the visitor's own text (markdown.tsx). */}
      {messageBody(kind, message.body)}
      {annex?.(message)}
      <time dateTime={message.createdAt}>{timeText(message.createdAt, text.lang)}</time>
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
export function App({ client, open, onOpenChange, onUnread, settings: known, accentColor, text = en, triggered = [] }: AppProps) {
  useClientUpdates(client);
  const agentTyping = useAgentTyping(client);
  // What the visitor is writing (not to be confused with the bot's drafts).
  const [input, setInput] = useState('');
  // One line about the visitor's last action, a send or a request for a person: an error, or (not `error`) a remark.
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | null>(null);
  const asking = useRef(false);
  const composer = useRef<HTMLTextAreaElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLDivElement>(null);
  // Whether the log was scrolled to its end before the latest change; if not, news shows a "new messages" pill instead
  // of moving what the visitor is reading.
  const atEnd = useRef(true);
  const [behind, setBehind] = useState(false);
  // The newest seq the visitor saw with the panel open, in this page; the server's figure covers earlier visits.
  const [seenSeq, setSeenSeq] = useState(0);

  const { status, error, session, messages, pending, drafts } = client;
  const settings: WidgetAppearance | undefined = session?.widget ?? known;
  // The protocol's English defaults (the settings of a widget whose owner kept them) in the visitor's language.
  const title = (settings?.title !== en.title && settings?.title) || text.title;
  const greeting = settings?.greeting === en.greeting ? text.greeting : settings?.greeting;
  const botName = settings?.botName || text.bot;
  const conversationStatus = session?.conversation?.status;
  // The topic picker and the pre-chat form (before the first message, when the widget has them) live in the extras chunk.
  const extras = useChunk(
    conversationStatus === 'resolved' ||
      conversationStatus === 'queued' ||
      (!conversationStatus && (session?.topics?.length || session?.preChat || session?.pastConversations)),
    loadExtras,
  );
  const accent = [accentColor, settings?.accentColor].find(isHexColor);
  const dark = isDark(settings?.theme);
  // Drawn once their styles are in: a dark theme, words on the launcher, the team in the header.
  const theme = useChunk(dark || settings?.launcherLabel || settings?.teamName || settings?.agents?.length, loadTheme);
  // Words on the closed launcher, beside its icon (the widget's setting); none: the icon alone.
  const label = theme && !open && settings?.launcherLabel;
  const seenUpTo = Math.max(seenSeq, session?.conversation?.visitorSeenSeq ?? 0);
  // Replies (an agent's or the bot's) the visitor hasn't seen: counted on the launcher while the panel is closed.
  const unread = open ? [] : messages.filter(({ seq, author }) => seq > seenUpTo && (author.kind === 'agent' || author.kind === 'bot'));
  const latestUnread = unread.at(-1);
  const proactive = useChunk(settings?.proactive?.length, loadProactive);
  const filesChunk = useChunk(open, loadFiles);
  const annex = filesChunk && ((message: Message) => <filesChunk.Annex client={client} message={message} text={text} />);
  // The buttons the bot or an agent attached to the newest message, until something follows it.
  const last = messages.at(-1);
  const quickReplies = !pending.length && !drafts.length && last?.author.kind !== 'visitor' ? last?.quickReplies : undefined;
  usePhoneFit(open, root);
  useEffect(() => onUnread?.(unread.length), [unread.length]);
  useTitleBlink(latestUnread, botName, text, settings?.sound);

  // Focus the composer when the visitor opens the panel, but not when it starts open: that would steal the page's focus.
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open && !wasOpen.current) composer.current?.focus();
    wasOpen.current = open;
  }, [open]);

  // Tell the server how far the visitor has read while they can see it, so a reply they saw is not e-mailed: after every
  // render (a new message, opening, a reconnect; the client sends only news) and when the page becomes visible again.
  useEffect(() => {
    const seen = () => {
      if (!open || document.visibilityState !== 'visible') return;
      const seq = messages.at(-1)?.seq ?? 0;
      client.markSeen(seq);
      // The newest on screen, not the highest ever: a new conversation's seq starts again at 1.
      setSeenSeq(seq);
    };
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  });

  // Keep the newest message in view, unless the visitor scrolled up to read: then the pill says there is news.
  useEffect(() => {
    if (atEnd.current) toEnd();
    else setBehind(true);
  }, [messages.length, pending.length, drafts, agentTyping]);
  useEffect(() => {
    if (open) toEnd();
  }, [open]);

  function toEnd() {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
    atEnd.current = true;
    setBehind(false);
  }

  function handleScroll() {
    const element = log.current!;
    atEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
    if (atEnd.current) setBehind(false);
  }

  function send(body: string) {
    setNotice(null);
    client.send(body).catch((failure: unknown) => {
      setNotice({ text: `${text.notSent}: ${reasonOf(failure)}`, error: true });
    });
  }

  function submit() {
    if (!input.trim()) return;
    send(input);
    setInput('');
  }

  function askForPerson() {
    // Ignore clicks while a request runs. The button is not disabled meanwhile: that would take its focus away.
    if (asking.current) return;
    asking.current = true;
    setNotice(null);
    client
      .requestHuman()
      // The button goes away with the `bot` status: give focus to the composer rather than lose it.
      .then(() => composer.current?.focus())
      .catch((failure: unknown) => {
        // Already with a person (or queued) is no failure: say so calmly.
        setNotice(
          ParleyError.isInstance(failure) && failure.code === 'transition_rejected'
            ? { text: text.alreadyHuman }
            : { text: `${text.humanFailed}: ${reasonOf(failure)}`, error: true },
        );
      })
      .finally(() => {
        asking.current = false;
      });
  }

  function handleKeyDown(event: KeyboardEvent) {
    // Enter sends, Shift+Enter makes a new line; Enter that confirms an IME composition does neither.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  /** Closes the panel on Escape (or, without an event, the header's close button) and gives focus to the launcher. */
  function handlePanelKeyDown(event?: KeyboardEvent) {
    if (!event || event.key === 'Escape') {
      onOpenChange(false);
      launcher.current?.focus();
    }
  }

  return (
    // `dir` mirrors the layout for a right-to-left language (the CSS uses logical properties); the corner stays the one
    // the widget's `position` names.
    <div
      ref={root}
      class={`root${settings?.position === 'left' ? ' left' : ''}${open ? ' open' : ''}${dark && theme ? ' dark' : ''}`}
      lang={text.lang}
      dir={text.dir}
    >
      {/* On the host, like the stylesheet's defaults: a page's own rules for the widget's element still win. The
          accent is a checked hex color; the offsets are the server's checked whole numbers (or a page's own mount()
          settings, on its own page). */}
      <style>
        {`:host{--parley-x:${settings?.offsetX ?? 20}px;--parley-y:${settings?.offsetY ?? 20}px${accent ? `;--parley-accent:${accent};--parley-accent-text:${accentText(accent)}` : ''}}`}
      </style>
      {theme && <style>{theme.styles}</style>}
      {open && (
        <section id="parley-panel" class="panel" role="dialog" aria-label={title} onKeyDown={handlePanelKeyDown}>
          <header class="header">
            {theme ? <theme.Heading title={title} settings={settings} /> : <h2>{title}</h2>}
            {conversationStatus === 'bot' && (
              <button type="button" onClick={askForPerson}>
                {text.human}
              </button>
            )}
            {/* On a phone the panel covers the launcher: this closes it instead (hidden on larger screens). */}
            <button type="button" class="close" aria-label={text.close} onClick={() => handlePanelKeyDown()}>
              <CloseIcon />
            </button>
          </header>
          {/* Focusable, so that a keyboard scrolls it back when it holds only text (nothing else to tab to). */}
          <div class="log" role="log" aria-label={text.log} ref={log} onScroll={handleScroll} tabIndex={0}>
            {greeting && (
              <div class="message agent greeting">
                <p dir="auto">{greeting}</p>
              </div>
            )}
            {messages.map((message, index) => (
              <MessageItem
                key={message.id}
                message={message}
                grouped={continues(message, messages[index - 1])}
                botName={botName}
                text={text}
                annex={annex}
              />
            ))}
            {drafts.map((draft) => (
              // Hidden from assistive technology: the log would read out every delta. The stored message that replaces
              // the draft is read once, and the status line below says the bot is writing.
              <div
                key={draft.messageId}
                class={draft.streaming ? 'message bot streaming' : 'message bot'}
                data-author="bot"
                data-draft="true"
                aria-hidden="true"
              >
                <span class="author">{draft.author.name || botName}</span>
                {messageBody('bot', draft.text)}
              </div>
            ))}
            {quickReplies && (
              <div class="replies">
                {quickReplies.map((reply) => (
                  <button
                    key={reply}
                    type="button"
                    onClick={() => {
                      // The buttons go with the message sent: the composer keeps the focus.
                      composer.current?.focus();
                      send(reply);
                    }}
                  >
                    {reply}
                  </button>
                ))}
              </div>
            )}
            {pending.map((item) => (
              <div key={item.clientId} class="message visitor pending" data-pending="true">
                <span class="author hidden">{text.you}</span>
                {messageBody('visitor', item.body)}
                <span class="note">{status === 'connected' ? text.sending : text.waiting}</span>
              </div>
            ))}
          </div>
          {behind && (
            <button type="button" class="pill" onClick={toEnd}>
              {text.newMessages}
            </button>
          )}
          {agentTyping && (
            <p class="line typing" role="status">
              {text.typing}
            </p>
          )}
          {drafts.some((draft) => draft.streaming) && (
            <p class="hidden" role="status">
              {botName}
              {text.botTyping}
            </p>
          )}
          {conversationStatus === 'queued' && (
            <p class="line muted" role="status">
              {client.queue ? queueText(text, client.queue.position, client.queue.expectedWaitSeconds) : text.queued}
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
          {extras && <style>{extras.styles}</style>}
          {/* Shows itself only before the first message: topics to pick, the pre-chat form (which hides the composer). */}
          {extras && <extras.BeforeChat client={client} text={extras.withExtras(text)} />}
          {extras && conversationStatus === 'resolved' && <extras.Rating client={client} text={extras.withExtras(text)} />}
          {extras && conversationStatus === 'queued' && <extras.FollowUp client={client} text={extras.withExtras(text)} />}
          {extras && <extras.Conversations client={client} text={extras.withExtras(text)} botName={botName} />}
          {notice && (
            <p class={notice.error ? 'line error' : 'line muted'} role={notice.error ? 'alert' : 'status'}>
              {notice.text}
            </p>
          )}
          <form
            class="composer"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            {filesChunk && <filesChunk.AttachButton client={client} text={text} onNotice={setNotice} />}
            <textarea
              ref={composer}
              rows={1}
              aria-label={text.composer}
              placeholder={text.placeholder}
              value={input}
              onInput={(event) => {
                const value = event.currentTarget.value;
                setInput(value);
                setNotice(null);
                client.setTyping(value.trim().length > 0);
              }}
              onKeyDown={handleKeyDown}
            />
            <button type="submit" disabled={!input.trim()}>
              {text.send}
            </button>
          </form>
        </section>
      )}
      {latestUnread && (
        // The newest unread reply, above the launcher; a click opens the chat. Never focused: the status line below
        // announces it.
        <button type="button" class="preview" onClick={() => onOpenChange(true)}>
          <b>{authorLabel(latestUnread, botName, text)}</b>
          {/* A glance, not the message: its markdown's markers left out. */}
          {latestUnread.body.replace(/\*\*|__|`/g, '')}
        </button>
      )}
      <p class="hidden" role="status">
        {latestUnread && `${authorLabel(latestUnread, botName, text)}: ${latestUnread.body}`}
      </p>
      {proactive && (
        <proactive.Proactive
          rules={settings!.proactive!}
          triggered={triggered}
          hidden={open || !!latestUnread || (!!conversationStatus && conversationStatus !== 'resolved')}
          botName={botName}
          text={text}
          onAnswer={(rule) => {
            client.answerProactive(rule.id);
            onOpenChange(true);
          }}
        />
      )}
      <button
        ref={launcher}
        type="button"
        class={label ? 'launcher label' : 'launcher'}
        aria-label={open ? text.close : (label || text.open) + (unread.length ? `, ${text.unread(unread.length)}` : '')}
        aria-expanded={open}
        aria-controls={open ? 'parley-panel' : undefined}
        onClick={() => onOpenChange(!open)}
      >
        {open ? <CloseIcon /> : label}
        {unread.length > 0 && (
          <span class="badge" aria-hidden="true">
            {unread.length}
          </span>
        )}
      </button>
    </div>
  );
}
