/**
 * Alerts: the page title's count of what needs the agent, and a sound and a desktop notification when a conversation
 * is assigned to them or a visitor writes in one of theirs. Deciding is pure ({@link attentionCount},
 * {@link alertFor}); the browser's sound and notifications sit behind small interfaces, so tests pass their own.
 * @module
 */
import type { AgentPreferences, ConversationSummary, Message } from '@parley/protocol';
import type { LiveEvent } from './console-controller.js';
import { unreadCount, type ConsoleState } from './console-state.js';
import { contactLabel } from './format.js';

/** The page's title with nothing waiting. */
export const BASE_TITLE = 'Parley Console';

/** Whether a conversation is the agent's: with a person, assigned to them. */
export function isMine(conversation: ConversationSummary, agentId: string): boolean {
  return conversation.status === 'agent' && conversation.assignee?.id === agentId;
}

/**
 * What needs the agent: their conversations with visitor messages they have not read, and the unassigned conversations
 * waiting in the queue (the server's count of the "Unassigned" view; until it answered, the queued ones the console
 * holds).
 */
export function attentionCount(state: ConsoleState, agentId: string): number {
  let mine = 0;
  let queued = 0;
  for (const conversation of state.conversations) {
    if (isMine(conversation, agentId) && unreadCount(state, conversation.id) > 0) mine++;
    if (conversation.status === 'queued') queued++;
  }
  return mine + (state.counts?.unassigned ?? queued);
}

/** `(3) Parley Console`, or the plain title when nothing waits. */
export function pageTitle(count: number, base = BASE_TITLE): string {
  return count > 0 ? `(${count}) ${base}` : base;
}

/** What to tell the agent about. */
export interface Alert {
  kind: 'assigned' | 'message';
  conversationId: string;
  /** The contact's name. */
  title: string;
  /** A preview of the message (or, for an assignment, of the last one). */
  body: string;
}

/** Where the agent is: whose console, which conversation is on screen, and whether the tab is visible. */
export interface AlertContext {
  agentId: string;
  openId: string | null;
  pageVisible: boolean;
}

const PREVIEW_LENGTH = 120;

/** One line of at most {@link PREVIEW_LENGTH} characters. */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const characters = [...line];
  return characters.length > PREVIEW_LENGTH ? `${characters.slice(0, PREVIEW_LENGTH - 1).join('')}…` : line;
}

/** The contact as the inbox names them, so that the notification and the row read the same. */
function contactName(conversation: ConversationSummary | undefined): string {
  return conversation ? contactLabel(conversation.contact) : 'Visitor';
}

function messageAlert(message: Message, previous: ConversationSummary | undefined, state: ConsoleState, context: AlertContext) {
  if (message.author.kind !== 'visitor') return null;
  const conversation = state.conversations.find((candidate) => candidate.id === message.conversationId);
  if (!conversation || !isMine(conversation, context.agentId)) return null;
  // Heard before (a repeat after reconnecting): told once.
  if (previous && message.seq <= previous.lastSeq) return null;
  // On screen: the agent sees it arrive.
  if (context.pageVisible && context.openId === message.conversationId) return null;
  return {
    kind: 'message',
    conversationId: message.conversationId,
    title: contactName(conversation),
    body: preview(message.body),
  } as const;
}

/**
 * The alert a live event calls for, or null: a conversation that became the agent's (not by their own doing), or a new
 * visitor message in one of theirs that is not on screen in a visible tab.
 */
export function alertFor(event: LiveEvent, context: AlertContext): Alert | null {
  if (event.type === 'message:created') return messageAlert(event.message, event.previous, event.state, context);
  const { conversation, previous } = event;
  if (event.own || !isMine(conversation, context.agentId)) return null;
  if (previous && isMine(previous, context.agentId)) return null;
  const last = conversation.lastMessage?.body;
  return {
    kind: 'assigned',
    conversationId: conversation.id,
    title: contactName(conversation),
    body: last ? `Assigned to you: ${preview(last)}` : 'Assigned to you.',
  };
}

/** The browser's notifications, as the console uses them. */
export interface NotificationAccess {
  readonly permission: NotificationPermission;
  /** Asks the agent; call it only from their click. */
  requestPermission(): Promise<NotificationPermission>;
  /** Shows a notification; `onClick` runs when the agent clicks it. */
  show(title: string, options: { body: string; tag: string }, onClick: () => void): void;
}

/** The browser's Notification API, or null where there is none. */
export function browserNotifications(): NotificationAccess | null {
  if (typeof Notification === 'undefined') return null;
  return {
    get permission() {
      return Notification.permission;
    },
    requestPermission: () => Notification.requestPermission(),
    show(title, options, onClick) {
      const notification = new Notification(title, options);
      notification.addEventListener('click', () => {
        onClick();
        notification.close();
      });
    },
  };
}

/** A short beep. */
export interface Sound {
  /** Lets the sound play later: browsers start audio only after the agent interacted with the page. */
  unlock(): void;
  play(): void;
  close(): void;
}

/** A beep made with the Web Audio API: an oscillator, no audio file. Silent where the browser has no Web Audio. */
export function webAudioBeep(createContext: () => AudioContext = () => new AudioContext()): Sound {
  let context: AudioContext | null = null;
  function ready(): AudioContext | null {
    if (!context) {
      try {
        context = createContext();
      } catch {
        return null;
      }
    }
    if (context.state === 'suspended') context.resume().catch(() => {});
    return context;
  }
  return {
    unlock() {
      ready();
    },
    play() {
      const audio = ready();
      if (!audio) return;
      const start = audio.currentTime;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.setValueAtTime(880, start);
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.15, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.3);
    },
    close() {
      context?.close().catch(() => {});
      context = null;
    },
  };
}

/** Options of {@link createAlerter}. */
export interface AlerterOptions {
  sound: Sound | null;
  notifications: NotificationAccess | null;
  /** Brings the console forward and opens the conversation, when the agent clicks a notification. */
  openConversation: (conversationId: string) => void;
  now?: () => number;
}

/** Sounds closer together than this make one sound: a burst of messages beeps once. */
export const SOUND_GAP_MS = 1_000;

/**
 * Delivers alerts as the agent's preferences say: the sound when `sound` is on, the desktop notification when
 * `desktopNotifications` is on and the browser allowed them. Never asks for permission.
 */
export function createAlerter(options: AlerterOptions) {
  const now = options.now ?? Date.now;
  let lastSound = Number.NEGATIVE_INFINITY;
  return {
    deliver(alert: Alert, preferences: AgentPreferences): void {
      if (preferences.sound && options.sound && now() - lastSound >= SOUND_GAP_MS) {
        lastSound = now();
        options.sound.play();
      }
      const notifications = options.notifications;
      if (preferences.desktopNotifications && notifications?.permission === 'granted') {
        try {
          notifications.show(alert.title, { body: alert.body, tag: alert.conversationId }, () =>
            options.openConversation(alert.conversationId),
          );
        } catch {
          // Some browsers (Chrome on Android) only show notifications from a service worker: the sound is enough.
        }
      }
    },
  };
}

/** The default preferences, until the server's answer: a sound, no desktop notifications. */
export const defaultPreferences: AgentPreferences = { sound: true, desktopNotifications: false };

/** Since when a conversation waits: its visitor's wait, or its last change. */
function waitingFrom(conversation: ConversationSummary): number {
  return Date.parse(conversation.waitingSince ?? conversation.updatedAt);
}

/**
 * The next conversation waiting for the agent after `openId`: unassigned in the queue, or theirs with a visitor waiting
 * for an answer; the longest waiting first (and round again); null when none waits.
 */
export function nextWaitingConversation(
  conversations: readonly ConversationSummary[],
  agentId: string,
  openId: string | null,
): string | null {
  const waiting = conversations
    .filter((conversation) => conversation.status === 'queued' || (isMine(conversation, agentId) && conversation.waitingSince !== null))
    .toSorted((a, b) => waitingFrom(a) - waitingFrom(b) || a.id.localeCompare(b.id));
  if (waiting.length === 0) return null;
  const index = waiting.findIndex((conversation) => conversation.id === openId);
  const next = waiting[(index + 1) % waiting.length]!;
  return next.id === openId ? null : next.id;
}
