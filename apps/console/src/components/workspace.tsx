/**
 * The signed-in console: top bar, inbox pane and conversation pane, or the knowledge base, saved replies or (admins)
 * widgets' settings, people, API & webhooks or bot profiles page; and, for admins, an alert when Parley paused a failing webhook.
 * @module
 */
import { emptyThread } from '@parley/client/thread';
import { isAdminRole, type PresenceStatus, type Team, type WebhookSubscription } from '@parley/protocol';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  alertFor,
  attentionCount,
  BASE_TITLE,
  browserNotifications,
  createAlerter,
  defaultPreferences,
  nextWaitingConversation,
  pageTitle,
  webAudioBeep,
  type NotificationAccess,
  type Sound,
} from '../alerts.js';
import type { ConsoleApi } from '../api.js';
import { createConsoleController, type LiveEvent } from '../console-controller.js';
import { unreadCount, type ConnectionState } from '../console-state.js';
import { visibleConversations } from '../inbox.js';
import {
  botProfilesPath,
  conversationIdFromPath,
  isAtPath,
  knowledgePath,
  pathForConversation,
  peoplePath,
  savedRepliesPath,
  webhooksPath,
  widgetSettingsPath,
} from '../route.js';
import type { Session } from '../session.js';
import type { AgentConnection } from '../socket.js';
import { isTextEntry, shortcutFor } from '../shortcuts.js';
import { useControllerState } from '../use-controller-state.js';
import { useLazyComponent } from '../use-lazy-component.js';
import { AlertsMenu } from './alerts-menu.js';
import { ConversationList } from './conversation-list.js';
import { ConversationView } from './conversation-view.js';
import { InboxControls } from './inbox-controls.js';
import type { ComposerMode } from './reply-box.js';
import { LazyPage } from './lazy-page.js';
import type { ShortcutsDialogProps } from './shortcuts-dialog.js';
import { WidgetSettingsPage } from './widget-settings-page.js';

/** Props of {@link Workspace}. */
export interface WorkspaceProps {
  session: Session;
  api: ConsoleApi;
  connect: (token: string) => AgentConnection;
  /** Signs out; `message` says why when the server ended the session. */
  onSignOut: (message?: string) => void;
  /** The app's base path (Vite's `BASE_URL`), for conversation URLs. */
  basePath: string;
  /** The desktop notifications; the browser's by default, null for none. */
  notifications?: NotificationAccess | null;
  /** The alert sound; a Web Audio beep by default, null for none. */
  sound?: Sound | null;
}

/**
 * The pages of the top bar's navigation, in order: the inbox (with the open conversation) and the others, each with
 * its path; `adminOnly` pages are offered to admins and owners only (the server checks every route anyway).
 */
const pages = [
  { page: 'inbox', label: 'Inbox', path: (base: string) => base, adminOnly: false },
  { page: 'knowledge', label: 'Knowledge base', path: knowledgePath, adminOnly: false },
  { page: 'saved-replies', label: 'Saved replies', path: savedRepliesPath, adminOnly: false },
  { page: 'widgets', label: 'Widgets', path: widgetSettingsPath, adminOnly: true },
  { page: 'people', label: 'People', path: peoplePath, adminOnly: true },
  { page: 'webhooks', label: 'API & webhooks', path: webhooksPath, adminOnly: true },
  // "Bots": the page is "Bot profiles"; the top bar holds every page in 1280 px.
  { page: 'bot-profiles', label: 'Bots', path: botProfilesPath, adminOnly: true },
] as const;

// Pages an agent opens now and then, each in its own chunk (apps/console/size-budget.json).
const loadKnowledgeBase = () => import('./knowledge-base.js').then((module) => module.KnowledgeBase);
const loadSavedRepliesPage = () => import('./saved-replies.js').then((module) => module.SavedReplies);
const loadWebhooksPage = () => import('./webhooks-page.js').then((module) => module.WebhooksPage);
const loadBotProfilesPage = () => import('./bot-profiles.js').then((module) => module.BotProfiles);
// Everyone's: the top is the agent's own profile (their picture); the rest, the members, invitations and teams, is for
// admins (the server refuses agents too).
const loadPeopleSettings = () => import('./people-settings.js').then((module) => module.PeopleSettings);
const loadPausedAlert = () => import('./webhooks-page.js').then((module) => module.PausedWebhookAlert);
// The keyboard shortcuts dialog (`?`) comes in its own chunk when first opened: it made room for the approvals.
const loadShortcutsDialog = () => import('./shortcuts-dialog.js').then((module) => module.ShortcutsDialog);
// The approvals button comes in its own chunk once a call waits for an agent's approval: most consoles never load it.
const loadApprovalsMenu = () => import('./approvals-menu.js').then((module) => module.ApprovalsMenu);

/** What the workspace shows. */
type Page = (typeof pages)[number]['page'];

/** The page at `pathname` (with or without a trailing slash); the inbox for any other. */
function pageOf(pathname: string, basePath: string): Page {
  const entry = pages.find(({ page, path }) => page !== 'inbox' && isAtPath(pathname, path(basePath)));
  return entry?.page ?? 'inbox';
}

const connectionLabels: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: 'Live',
  offline: 'Reconnecting…',
};

const presenceLabels: Record<PresenceStatus, string> = {
  online: 'Online',
  away: 'Away',
  offline: 'Offline',
};

/** Two panes: the inbox on the left, the open conversation on the right. */
export function Workspace({ session, api, connect, onSignOut, basePath, ...props }: WorkspaceProps) {
  // The alerts read the latest render's values: the controller and its listener outlive renders.
  const onLiveEvent = useRef<(event: LiveEvent) => void>(() => {});
  // The last webhook Parley paused (admins only hear of it), until dismissed or its page is opened. Its alert comes
  // with the webhooks page's chunk, loaded when the first one arrives: rare, and out of the bundle every agent loads.
  const [pausedWebhook, setPausedWebhook] = useState<WebhookSubscription | null>(null);
  const { Component: PausedAlert } = useLazyComponent(loadPausedAlert, pausedWebhook !== null);
  const controller = useMemo(
    () =>
      createConsoleController({
        api,
        session,
        connect,
        onSessionEnded: (message) => onSignOut(message),
        openId: conversationIdFromPath(location.pathname, basePath),
        onLiveEvent: (event) => onLiveEvent.current(event),
        onWebhookPaused: setPausedWebhook,
      }),
    // One controller per sign-in: the props it captures do not change while the agent stays signed in.
    [session.token],
  );
  const state = useControllerState(controller);
  // The inbox's filters' choices: the teams, and for admins the widgets (null: no widget filter).
  // With their members, for the approvals: who may decide a call of a team's.
  const [teams, setTeams] = useState<ReadonlyArray<Team>>([]);
  const [widgets, setWidgets] = useState<ReadonlyArray<{ id: string; name: string }> | null>(null);
  // The inbox keeps running (socket, unread counts) while another page is shown.
  const [page, setPage] = useState<Page>(() => pageOf(location.pathname, basePath));
  const drafts = useRef(new Map<string, string>());
  // Kept with the drafts: a note drafted in one conversation is still a note when the agent comes back to it.
  const modes = useRef(new Map<string, ComposerMode>());
  const { agent } = session;
  const isAdmin = isAdminRole(agent.role);
  const [alertsOpen, setAlertsOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const { Component: ShortcutsDialog } = useLazyComponent<ShortcutsDialogProps>(loadShortcutsDialog, shortcutsOpen);
  // The narrow screens' menu (pages, status, sign out).
  const [menuOpen, setMenuOpen] = useState(false);
  const notifications = useMemo(() => (props.notifications === undefined ? browserNotifications() : props.notifications), []);
  const sound = useMemo(() => (props.sound === undefined ? webAudioBeep() : props.sound), []);
  const alerter = useMemo(
    () =>
      createAlerter({
        sound,
        notifications,
        openConversation(conversationId) {
          window.focus();
          latest.current.open(conversationId);
        },
      }),
    [sound, notifications],
  );
  const preferences = state.preferences ?? defaultPreferences;
  onLiveEvent.current = (event) => {
    const alert = alertFor(event, {
      agentId: agent.id,
      openId: controller.getState().openId,
      pageVisible: document.visibilityState === 'visible',
    });
    if (alert) alerter.deliver(alert, controller.getState().preferences ?? defaultPreferences);
  };

  useEffect(() => {
    controller.start();
    function handlePopState() {
      setPage(pageOf(location.pathname, basePath));
      controller.open(conversationIdFromPath(location.pathname, basePath));
    }
    window.addEventListener('popstate', handlePopState);
    return () => {
      window.removeEventListener('popstate', handlePopState);
      controller.stop();
    };
  }, [controller, basePath]);

  useEffect(() => {
    let current = true;
    // Hints for the filters: without them the inbox works the same, unfiltered.
    api.listTeams().then(
      ({ teams: listed }) => current && setTeams(listed),
      () => {},
    );
    if (isAdmin) {
      api.listWidgets().then(
        ({ widgets: listed }) => current && setWidgets(listed),
        () => {},
      );
    }
    return () => {
      current = false;
    };
  }, [api, agent.role]);

  const unread = useMemo(
    () =>
      new Map(
        state.conversations
          .map((conversation) => [conversation.id, unreadCount(state, conversation.id)] as const)
          .filter(([, count]) => count > 0),
      ),
    [state],
  );
  const typing = useMemo(
    () =>
      new Set(
        Object.entries(state.typing)
          .filter(([, entry]) => entry.kind === 'visitor')
          .map(([id]) => id),
      ),
    [state.typing],
  );

  // What needs the agent, in the tab's title: their unread conversations and the queue.
  const attention = attentionCount(state, agent.id);
  useEffect(() => {
    document.title = pageTitle(attention);
  }, [attention]);
  useEffect(
    () => () => {
      document.title = BASE_TITLE;
      sound?.close();
    },
    [],
  );

  function open(conversationId: string | null) {
    const path = pathForConversation(conversationId, basePath);
    if (location.pathname !== path) history.pushState(null, '', path);
    setMenuOpen(false);
    setPage('inbox');
    controller.open(conversationId);
  }

  const latest = useRef({ open, alertsOpen, shortcutsOpen, preferences });
  latest.current = { open, alertsOpen, shortcutsOpen, preferences };

  useEffect(() => {
    function handleKeyDown(event: KeyboardEvent) {
      // Browsers play sound only after the agent interacted with the page: the first key or click lets it.
      if (latest.current.preferences.sound) sound?.unlock();
      if (latest.current.shortcutsOpen) return;
      switch (shortcutFor(event)) {
        case 'close':
          setMenuOpen(false);
          if (latest.current.alertsOpen) {
            event.preventDefault();
            setAlertsOpen(false);
          } else if (isTextEntry(event.target) && event.target instanceof HTMLElement) {
            // Out of the text box, so that the single-key shortcuts work.
            event.target.blur();
          }
          break;
        case 'help':
          event.preventDefault();
          setAlertsOpen(false);
          setShortcutsOpen(true);
          break;
        case 'next-waiting': {
          const { conversations, openId: current } = controller.getState();
          const next = nextWaitingConversation(conversations, agent.id, current);
          if (next) {
            event.preventDefault();
            latest.current.open(next);
          }
          break;
        }
        case 'saved-replies': {
          // The reply box's own "Saved replies" button: it focuses the box and opens the picker.
          const button = document.querySelector<HTMLButtonElement>('.conversation-pane .reply-saved-replies');
          if (button && !button.disabled) {
            event.preventDefault();
            button.click();
          }
          break;
        }
        case null:
          break;
      }
    }
    function handlePointerDown() {
      if (latest.current.preferences.sound) sound?.unlock();
    }
    document.addEventListener('keydown', handleKeyDown);
    document.addEventListener('pointerdown', handlePointerDown);
    return () => {
      document.removeEventListener('keydown', handleKeyDown);
      document.removeEventListener('pointerdown', handlePointerDown);
    };
  }, [controller, agent.id, sound]);

  function openPage(next: Page) {
    setMenuOpen(false);
    if (next === 'inbox') {
      open(openId);
      return;
    }
    const path = pages.find((candidate) => candidate.page === next)!.path(basePath);
    if (location.pathname !== path) history.pushState(null, '', path);
    setPage(next);
  }

  const visible = useMemo(
    () => visibleConversations(state.conversations, state.inbox, agent.id),
    [state.conversations, state.inbox, agent.id],
  );
  const openId = state.openId;
  const conversation = openId ? state.conversations.find((candidate) => candidate.id === openId) : undefined;
  const myStatus = state.presence[agent.id]?.status === 'away' ? 'away' : 'online';
  // Stable, so the transfer form loads the teams once per opening.
  const loadTeams = useCallback(() => controller.listTeams(), [controller]);
  const loadSavedReplies = useCallback(() => api.listSavedReplies().then(({ savedReplies }) => savedReplies), [api]);
  const team = Object.values(state.presence).filter((member) => member.userId !== agent.id);
  // Loaded once the console holds any pending action; the menu itself shows only while some wait for approval.
  const { Component: ApprovalsMenu } = useLazyComponent(loadApprovalsMenu, Object.keys(state.pendingActions).length > 0);

  return (
    <div class={`workspace${openId ? ' has-open' : ''}`}>
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            P
          </span>
          <span class="brand-name">Parley</span>
          <span class="organization">{agent.organizationName}</span>
        </div>
        <div class="topbar-end">
          <span class={`connection connection-${state.connection}`} role="status">
            <span class="connection-dot" aria-hidden="true" />
            {connectionLabels[state.connection]}
          </span>
          {ApprovalsMenu && (
            <ApprovalsMenu
              actions={state.pendingActions}
              conversationHref={(conversationId) => pathForConversation(conversationId, basePath)}
              onOpenConversation={open}
            />
          )}
          <AlertsMenu
            preferences={preferences}
            onChange={(change) => controller.setPreferences(change)}
            notifications={notifications}
            open={alertsOpen}
            onOpenChange={setAlertsOpen}
          />
          {/* On narrow screens the pages and the account's controls fold behind this button (styles.css). */}
          <button
            type="button"
            class="button button-ghost menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="console-menu"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            Menu
          </button>
          <div id="console-menu" class={`topbar-menu${menuOpen ? ' open' : ''}`}>
            <nav class="topbar-nav" aria-label="Pages">
              {pages
                .filter((entry) => isAdmin || !entry.adminOnly)
                .map((entry) => (
                  <button
                    key={entry.page}
                    type="button"
                    class="button button-ghost"
                    aria-current={page === entry.page ? 'page' : undefined}
                    onClick={() => openPage(entry.page)}
                  >
                    {entry.label}
                  </button>
                ))}
            </nav>
            <div class="topbar-account">
              {/* Opens the People page, whose top is the agent's own profile (their picture). */}
              <button type="button" class="agent-name" title={agent.email} onClick={() => openPage('people')}>
                {agent.name}
              </button>
              <select
                class={`presence-select presence-${myStatus}`}
                aria-label="Your status"
                value={myStatus}
                disabled={state.connection !== 'online'}
                onChange={(event) => void controller.setPresence(event.currentTarget.value === 'away' ? 'away' : 'online')}
              >
                <option value="online">{presenceLabels.online}</option>
                <option value="away">{presenceLabels.away}</option>
              </select>
              <button type="button" class="button button-ghost" onClick={() => onSignOut()}>
                Sign out
              </button>
            </div>
          </div>
        </div>
      </header>

      {/* Each lazy page keyed by its name: in the same place in the tree, a page must not be drawn once with the page
          before's component and its own props (People's with the API page's crashed on the missing viewer). */}
      {page === 'knowledge' ? (
        <main class="knowledge-page">
          <LazyPage key="knowledge" load={loadKnowledgeBase} props={{ api, canEdit: isAdmin }} />
        </main>
      ) : page === 'saved-replies' ? (
        <main class="knowledge-page">
          <LazyPage key="saved-replies" load={loadSavedRepliesPage} props={{ api, canShare: isAdmin }} />
        </main>
      ) : page === 'widgets' ? (
        <main class="knowledge-page">
          <WidgetSettingsPage api={api} isAdmin={isAdmin} />
        </main>
      ) : page === 'people' ? (
        <main class="knowledge-page">
          <LazyPage key="people" load={loadPeopleSettings} props={{ api, viewer: agent }} />
        </main>
      ) : page === 'webhooks' ? (
        <main class="knowledge-page">
          <LazyPage key="webhooks" load={loadWebhooksPage} props={{ api, paused: pausedWebhook, isAdmin }} />
        </main>
      ) : page === 'bot-profiles' ? (
        <main class="knowledge-page">
          <LazyPage key="bots" load={loadBotProfilesPage} props={{ api, isAdmin }} />
        </main>
      ) : (
        <div class="panes">
          <nav class="inbox" aria-label="Inbox">
            <div class="inbox-header">
              <h1>Inbox</h1>
            </div>
            <InboxControls
              query={state.inbox.query}
              counts={state.counts}
              teams={teams}
              widgets={widgets}
              onChange={(change) => controller.setInbox(change)}
            />
            {state.listStatus === 'loading' && <p class="inbox-empty muted">Loading conversations…</p>}
            {state.listStatus === 'error' && (
              <div class="inbox-empty" role="alert">
                <p>{state.listError}</p>
                <button type="button" class="button" onClick={() => controller.refresh()}>
                  Try again
                </button>
              </div>
            )}
            {state.listStatus === 'ready' && visible.length === 0 && (
              <p class="inbox-empty muted">{state.inbox.query.q ? 'No conversation matches.' : 'Nothing here.'}</p>
            )}
            {visible.length > 0 && (
              <ConversationList
                conversations={visible}
                openId={openId}
                unread={unread}
                typing={typing}
                onOpen={(conversationId) => open(conversationId)}
              />
            )}
            {state.listStatus === 'ready' && state.inbox.nextCursor !== null && (
              <div class="inbox-more">
                <button type="button" class="button" disabled={state.inbox.loadingMore} onClick={() => controller.loadMore()}>
                  {state.inbox.loadingMore ? 'Loading…' : 'Load more'}
                </button>
              </div>
            )}
            {team.length > 0 && (
              <section class="team" aria-labelledby="team-heading">
                <h2 id="team-heading">Team</h2>
                <ul class="team-list">
                  {team.map((member) => (
                    <li key={member.userId} class={`team-member presence-${member.status}`}>
                      <span class="presence-dot" aria-hidden="true" />
                      <span class="team-name">{member.name}</span>
                      <span class="team-status">{presenceLabels[member.status]}</span>
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </nav>

          <main class="conversation-pane">
            {openId ? (
              <ConversationView
                key={openId}
                conversationId={openId}
                conversation={conversation}
                thread={state.threads[openId] ?? emptyThread}
                threadError={state.threadErrors[openId]}
                notes={state.notes[openId]}
                notesError={state.noteErrors[openId]}
                toolCalls={state.toolCalls[openId]}
                toolCallsError={state.toolCallErrors[openId]}
                typing={state.typing[openId]}
                agent={agent}
                sendsEmail={state.email}
                notice={state.notice}
                initialDraft={drafts.current.get(openId) ?? ''}
                onDraftChange={(draft) => {
                  if (draft) drafts.current.set(openId, draft);
                  else drafts.current.delete(openId);
                }}
                onSend={(body, quickReplies, attachments) => controller.send(openId, body, quickReplies, attachments)}
                files={controller.files}
                onWriteNote={(body) => controller.writeNote(openId, body)}
                initialMode={modes.current.get(openId)}
                onModeChange={(mode) => {
                  if (mode === 'note') modes.current.set(openId, mode);
                  else modes.current.delete(openId);
                }}
                onRetry={(clientId) => controller.retry(openId, clientId)}
                onDiscard={(clientId) => controller.discard(openId, clientId)}
                onUpdate={(update) => controller.update(openId, update)}
                agents={Object.values(state.presence)}
                loadTeams={loadTeams}
                onTransfer={(request) => controller.transfer(openId, request)}
                onOpenTicket={(priority) => controller.openTicket(openId, priority)}
                onUpdateTicket={(update) => controller.updateTicket(openId, update)}
                loadSavedReplies={loadSavedReplies}
                onTyping={() => controller.typing(openId)}
                onStopTyping={() => controller.stopTyping()}
                onDismissNotice={() => controller.dismissNotice()}
                onReload={() => controller.open(openId)}
                onBack={() => open(null)}
                assist={controller.assist}
                approvals={{ actions: state.pendingActions, teams, viewer: { id: agent.id, isAdmin }, request: api.request }}
                contact={{
                  load: (contactId) => api.getContact(contactId),
                  save: (contactId, edit) => api.updateContact(contactId, edit),
                  conversationHref: (conversationId) => pathForConversation(conversationId, basePath),
                  onOpenConversation: (conversationId) => open(conversationId),
                }}
              />
            ) : (
              <div class="empty-state">
                <p class="empty-title">No conversation selected</p>
                <p class="muted">Pick a conversation from the inbox to read it and reply.</p>
              </div>
            )}
          </main>
        </div>
      )}
      {pausedWebhook && PausedAlert && (
        <PausedAlert
          webhook={pausedWebhook}
          href={webhooksPath(basePath)}
          onOpen={() => openPage('webhooks')}
          onDismiss={() => setPausedWebhook(null)}
        />
      )}
      {shortcutsOpen && ShortcutsDialog && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
    </div>
  );
}
