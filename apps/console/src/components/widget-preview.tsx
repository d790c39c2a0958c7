/**
 * The live preview of the Settings → Widgets page: the real widget (`mountApp` of `@parley/widget`), drawn with the
 * form's current, unsaved values and an in-memory client holding a sample exchange, in a box that stands for the page.
 * It lives in the page's lazily loaded chunk, as the page does: agents never download the widget.
 * @module
 */
import type { Message, Session } from '@parley/client';
import { mountApp, type WidgetClient } from '@parley/widget';
import { useEffect, useRef } from 'preact/hooks';
import { MIN_CONTRAST, parseHexColor, readableTextColor } from '../contrast.js';

/** The widget's settings as the preview draws them: the form's values, checked enough to draw. */
export type PreviewSettings = Omit<Session['widget'], 'defaultCountry' | 'agents' | 'preChat' | 'proactive'>;

/** Props of {@link WidgetPreview}. */
export interface WidgetPreviewProps {
  /** The form's values; `accentColor` may be half typed, and `fallbackColor` (the saved one) is drawn meanwhile. */
  settings: PreviewSettings;
  fallbackColor: string;
}

/** Who "answers" in the preview when the widget shows its agents: visitors see the real ones' first names. */
const SAMPLE_AGENTS = [{ name: 'Alex' }, { name: 'Sam' }];

const NO_PRE_CHAT = { name: 'off', email: 'off', phone: 'off' } as const;

const SAMPLE_TIME = '2026-01-05T10:00:00.000Z';

/** A message of the sample exchange. */
function sampleMessage(seq: number, author: Message['author'], body: string): Message {
  return { id: `preview-${seq}`, conversationId: 'preview', seq, clientId: null, author, body, createdAt: SAMPLE_TIME };
}

/**
 * An in-memory client for the preview: connected, in a conversation with an agent, holding a sample exchange (the
 * visitor's question and the agent's answer). What the admin types into the preview is shown as sent; nothing leaves
 * the browser.
 */
export function createPreviewClient(widget: Session['widget']): WidgetClient {
  const listeners = new Map<string, Set<(...args: never[]) => void>>();
  const emit = (event: string, ...args: unknown[]) => {
    for (const listener of listeners.get(event) ?? []) (listener as (...values: unknown[]) => void)(...args);
  };
  const conversation = { id: 'preview', status: 'agent' as const, lastSeq: 2, visitorSeenSeq: 2 };
  let messages: readonly Message[] = [
    sampleMessage(1, { kind: 'visitor', id: 'preview-visitor', name: null }, 'Hi! Where is my order?'),
    sampleMessage(
      2,
      { kind: 'agent', id: 'preview-agent', name: 'Alex' },
      'It left our warehouse this morning: you should have it tomorrow.',
    ),
  ];
  return {
    status: 'connected',
    error: undefined,
    session: { sessionToken: 'preview', visitorId: 'preview-visitor', conversation, widget },
    get messages() {
      return messages;
    },
    pending: [],
    drafts: [],
    queue: null,
    topic: null,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    send(body) {
      const seq = messages.length + 1;
      const sent = sampleMessage(seq, { kind: 'visitor', id: 'preview-visitor', name: null }, body);
      messages = [...messages, sent];
      emit('message', sent);
      return Promise.resolve({ id: sent.id, conversationId: sent.conversationId, seq, createdAt: sent.createdAt });
    },
    setTyping() {},
    requestHuman: () => Promise.resolve(conversation),
    chooseTopic() {},
    answerProactive() {},
    rate: () => Promise.reject(new Error('The preview does not send ratings.')),
    saveContact: () => Promise.reject(new Error('The preview does not save contact details.')),
    submitContact: () => Promise.reject(new Error('The preview does not save contact details.')),
    markSeen() {},
    requestTranscript: () => Promise.reject(new Error('The preview does not send e-mail.')),
    startConversation: () => Promise.reject(new Error('The preview keeps its conversation.')),
    listConversations: () => Promise.resolve([]),
    readConversation: () => Promise.resolve({ messages: [], hasMore: false }),
    upload: () => Promise.reject(new Error('The preview sends no files.')),
    attachmentUrl: () => Promise.reject(new Error('The preview has no files.')),
    connect() {},
    setLocale() {},
  };
}

/** The widget as visitors will see it, with the panel open; the admin may close and open it as a visitor would. */
export function WidgetPreview({ settings, fallbackColor }: WidgetPreviewProps) {
  const accent = parseHexColor(settings.accentColor) ? settings.accentColor : fallbackColor;
  const text = readableTextColor(accent);
  const host = useRef<HTMLDivElement>(null);
  // Whether the panel is open, kept across the remounts that follow the form: closed, the launcher shows its label.
  const open = useRef(true);
  const widget: Session['widget'] = {
    ...settings,
    accentColor: accent,
    // The sample is a conversation under way: the pre-chat form, asked before one starts, is never drawn.
    preChat: NO_PRE_CHAT,
    // Nor a proactive message, which speaks before one starts.
    proactive: [],
    ...(settings.showAgents ? { agents: SAMPLE_AGENTS } : {}),
  };
  const key = JSON.stringify(widget);

  useEffect(() => {
    const target = host.current;
    if (!target) return;
    const app = mountApp(createPreviewClient(widget), { target, open: open.current, settings: widget });
    const stopOpen = app.on('open', () => void (open.current = true));
    const stopClose = app.on('close', () => void (open.current = false));
    return () => {
      stopOpen();
      stopClose();
      app.unmount();
    };
  }, [key]);

  return (
    <figure class="widget-preview" aria-label="Preview of the widget">
      {/* The widget is `position: fixed`; the stage's transform makes it the widget's containing block. */}
      <div class="widget-preview-page" data-testid="widget-preview">
        <div class="widget-preview-stage">
          <div ref={host} class="widget-preview-host" />
        </div>
      </div>
      <figcaption class="hint">
        Sample messages{settings.showAgents ? ' and agents' : ''}; your unsaved changes show here. Text on the accent:{' '}
        {text.color === '#ffffff' ? 'white' : 'near-black'}, contrast {text.ratio.toFixed(1)}:1.
      </figcaption>
      {!text.readable && (
        <p class="widget-preview-warning" role="status">
          Neither white nor dark text reaches a {MIN_CONTRAST}:1 contrast on {accent}: some visitors will struggle to read the header and
          buttons. Pick a darker or a lighter colour.
        </p>
      )}
    </figure>
  );
}
