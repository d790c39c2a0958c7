/**
 * One conversation: header with status, assignment, team and actions (take over, move to the queue, transfer, hand back
 * to the bot, resolve, reopen, make it a follow-up); the note of the last transfer; the follow-up panel; the messages
 * and the bot's reply as it streams, with the agents' internal notes among them and the bot's tool calls folded under its
 * replies; who is typing; the reply box (with saved replies, filled in for this contact), with a note on whether a
 * visitor who left gets the reply by e-mail, which also writes internal notes; the AI help panel (a summary, a suggested
 * reply to insert into the reply box); and the contact panel (who the visitor is, where they are, their other
 * conversations).
 * @module
 */
import type { MessageThread } from '@parley/client/thread';
import type {
  Agent,
  AgentPresence,
  Contact,
  ContactEdit,
  ConversationSummary,
  ConversationUpdate,
  Note,
  SavedReply,
  Team,
  TicketPriority,
  TicketUpdate,
  ToolCall,
  TransferRequest,
} from '@parley/protocol';
import { useId, useState } from 'preact/hooks';
import type { AssistStore } from '../assist.js';
import type { TypingState } from '../console-state.js';
import { openStatuses } from '../conversation-store.js';
import { contactLabel, formatFullTime, statusLabel } from '../format.js';
import type { ConsoleFiles } from '../console-controller.js';
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';
import { AssistPanel } from './assist-panel.js';
import { ContactPanel } from './contact-panel.js';
import { MessageList } from './message-list.js';
import type { Approvals } from './pending-action-card.js';
import { ReplyBox, type ComposerMode } from './reply-box.js';
import { TicketPanel } from './ticket-panel.js';
import type { TransferFormProps } from './transfer-form.js';

/** Props of {@link ConversationView}. */
export interface ConversationViewProps {
  conversationId: string;
  /** The conversation's summary; undefined while the inbox is loading or if it is not in it. */
  conversation: ConversationSummary | undefined;
  thread: MessageThread;
  /** Why the messages could not be loaded. */
  threadError?: string;
  /** The agents' internal notes, in `createdAt` order. */
  notes?: readonly Note[];
  /** Why the internal notes could not be loaded. */
  notesError?: string;
  /** The bot's tool calls, in the order it made them. */
  toolCalls?: readonly ToolCall[];
  /** Why the bot's tool calls could not be loaded. */
  toolCallsError?: string;
  typing?: TypingState;
  agent: Agent;
  /** Whether the server sends e-mail (`GET /api/me`); null while unknown. */
  sendsEmail: boolean | null;
  /** A failed action to show. */
  notice: string | null;
  initialDraft: string;
  onDraftChange: (draft: string) => void;
  /** Sends a reply, with the quick replies (buttons) the agent attached, if any. */
  onSend: (body: string, quickReplies?: string[], attachments?: string[]) => void;
  /** File uploads and URLs: messages show their files, and the reply box offers "Attach files". */
  files?: ConsoleFiles;
  /** Writes an internal note; resolves true once stored. Without it the reply box writes replies only. */
  onWriteNote?: (body: string) => Promise<boolean>;
  /** The reply box's mode when the conversation opens (it survives switching conversations, like the draft). */
  initialMode?: ComposerMode;
  /** Called when the agent switches the reply box between replies and internal notes, to keep the mode. */
  onModeChange?: (mode: ComposerMode) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  onUpdate: (update: ConversationUpdate) => Promise<void>;
  /** The organization's agents and their presence, for the transfer form. */
  agents: readonly AgentPresence[];
  loadTeams: () => Promise<Team[]>;
  onTransfer: (request: TransferRequest) => Promise<boolean>;
  /** Makes the conversation a follow-up; resolves once the server answered (a refusal becomes the notice). */
  onOpenTicket: (priority: TicketPriority) => Promise<void>;
  /** Changes the follow-up's priority or whether it waits on the customer; resolves once the server answered. */
  onUpdateTicket: (update: TicketUpdate) => Promise<void>;
  /** Loads the saved replies for the reply box's picker; without it the box has none. */
  loadSavedReplies?: () => Promise<SavedReply[]>;
  onTyping: () => void;
  onStopTyping: () => void;
  onDismissNotice: () => void;
  onReload: () => void;
  onBack: () => void;
  /** The pending actions and their decision, for the cards under the bot's messages that asked for one. */
  approvals?: Approvals;
  /** AI help (the controller's `assist`); without it the view has no AI help panel. */
  assist?: AssistStore;
  /**
   * The contact panel's data (`GET` and `PATCH /api/contacts/:contactId`) and links to the contact's other
   * conversations; without them the view has no contact panel.
   */
  contact?: {
    load: (contactId: string) => Promise<Contact>;
    save: (contactId: string, edit: ContactEdit) => Promise<Contact>;
    conversationHref: (conversationId: string) => string;
    onOpenConversation: (conversationId: string) => void;
  };
}

function typingText(typing: TypingState | undefined): string {
  if (!typing) return '';
  return typing.kind === 'visitor' ? 'Visitor is typing…' : `${typing.name ?? 'Another agent'} is typing…`;
}

function assigneeText(conversation: ConversationSummary, agent: Agent): string {
  if (!conversation.assignee) return 'Unassigned';
  return conversation.assignee.id === agent.id ? 'Assigned to you' : `Assigned to ${conversation.assignee.name}`;
}

/** What replying does to a conversation a human does not have yet: the server takes it over for the agent. */
function takeOverHint(status: ConversationSummary['status']): string | null {
  if (status === 'bot') return 'The bot is answering this conversation. Replying takes it over.';
  if (status === 'queued') return 'The visitor is waiting for a human. Replying takes the conversation over.';
  return null;
}

/**
 * What becomes of a reply the visitor does not see in the chat, for conversations they may have left: follow-ups, and
 * those waiting for or with a human where the visitor gave an e-mail address. Null for the others, and while it is not
 * known whether the server sends e-mail.
 */
function replyDeliveryNote(conversation: ConversationSummary, sendsEmail: boolean | null): string | null {
  const { email } = conversation.contact;
  const humanWithEmail = (conversation.status === 'queued' || conversation.status === 'agent') && Boolean(email);
  if ((conversation.ticket === null && !humanWithEmail) || sendsEmail === null) return null;
  if (!sendsEmail) {
    return 'E-mail is not set up on this server (PARLEY_SMTP_URL), so they see your reply only if they come back to the chat.';
  }
  // The server e-mails a reply the visitor has not seen within PARLEY_REPLY_EMAIL_DELAY_SECONDS (2 minutes by default).
  if (email) return `If they don't see your reply in the chat within a few minutes, it is e-mailed to ${email}.`;
  return 'They left no e-mail address: they see your reply only if they come back to the chat.';
}

// The transfer form is in its own chunk, loaded when the agent first opens it.
const loadTransferForm = () => import('./transfer-form.js').then((module) => module.TransferForm);

/** The open conversation. */
export function ConversationView(props: ConversationViewProps) {
  const { conversation, thread, threadError, typing, agent, notice } = props;
  const [busy, setBusy] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const transferForm = useLazyComponent<TransferFormProps>(loadTransferForm, transferring);
  const [mode, setMode] = useState<ComposerMode>(props.initialMode ?? 'reply');
  // A suggested reply on its way into the reply box: a new object for every "Insert".
  const [insertion, setInsertion] = useState<{ text: string } | null>(null);
  const deliveryNoteId = useId();
  const detailsId = useId();
  // Narrow screens show the details (contact, follow-up, AI help) over the transcript, on demand; wide ones beside it.
  const [detailsOpen, setDetailsOpen] = useState(false);

  /** Runs an action of the header; they are all disabled until the server answered. */
  async function run(action: () => Promise<void>) {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  }
  const update = (change: ConversationUpdate) => run(() => props.onUpdate(change));

  const label = conversation ? contactLabel(conversation.contact) : 'Conversation';
  const status = conversation?.status;
  const isOpen = status !== undefined && openStatuses.has(status);
  // No human has it yet: the bot is answering, or the visitor is waiting for a person.
  const unclaimed = status === 'bot' || status === 'queued';
  const mine = conversation?.assignee?.id === agent.id;
  // A note takes nothing over and reaches no one outside the team: the hints about replying don't apply to it.
  const replying = mode === 'reply' || !props.onWriteNote;
  const hint = status && replying ? takeOverHint(status) : null;
  const deliveryNote = conversation && replying ? replyDeliveryNote(conversation, props.sendsEmail) : null;

  return (
    <section class="conversation" aria-label={label}>
      <header class="conversation-header">
        <button type="button" class="button button-ghost back-button" onClick={props.onBack}>
          ← Inbox
        </button>
        <div class="conversation-title">
          <h2>{label}</h2>
          {conversation && (
            <p class="conversation-meta">
              {conversation.contact.email && <span>{conversation.contact.email}</span>}
              <span title={formatFullTime(conversation.createdAt)}>Started {formatFullTime(conversation.createdAt)}</span>
            </p>
          )}
        </div>
        {conversation && (
          <div class="conversation-state">
            <span class={`status-badge status-${conversation.status}`}>{statusLabel(conversation.status)}</span>
            <span class={`assignee${mine ? ' is-mine' : ''}`}>{assigneeText(conversation, agent)}</span>
            {conversation.team && <span class="team-label">Team {conversation.team.name}</span>}
            {conversation.topic && <span class="team-label">Topic {conversation.topic}</span>}
          </div>
        )}
        {conversation && (
          <div class="conversation-actions">
            {unclaimed && (
              <button type="button" class="button button-primary" disabled={busy} onClick={() => void update({ assignToMe: true })}>
                Take over
              </button>
            )}
            {status === 'agent' && !mine && (
              <button type="button" class="button" disabled={busy} onClick={() => void update({ assignToMe: true })}>
                Assign to me
              </button>
            )}
            {status === 'agent' && (
              <button type="button" class="button" disabled={busy} onClick={() => void update({ status: 'queued' })}>
                Move to queue
              </button>
            )}
            {isOpen && (
              <button
                type="button"
                class="button"
                disabled={busy}
                aria-expanded={transferring}
                onClick={() => setTransferring(!transferring)}
              >
                Transfer
              </button>
            )}
            {status === 'agent' && (
              <button type="button" class="button" disabled={busy} onClick={() => void update({ status: 'bot' })}>
                Hand back to bot
              </button>
            )}
            {isOpen && (
              <button
                type="button"
                class={`button${unclaimed ? '' : ' button-primary'}`}
                disabled={busy}
                onClick={() => void update({ status: 'resolved' })}
              >
                Resolve
              </button>
            )}
            {conversation.status === 'resolved' && (
              <button type="button" class="button" disabled={busy} onClick={() => void update({ status: 'agent', assignToMe: true })}>
                Reopen
              </button>
            )}
            {/* The server's default priority; the follow-up panel that replaces this button changes it. */}
            {!conversation.ticket && status !== 'closed' && (
              <button type="button" class="button" disabled={busy} onClick={() => void run(() => props.onOpenTicket('normal'))}>
                Make follow-up
              </button>
            )}
          </div>
        )}
        {conversation && (
          <button
            type="button"
            class="button details-toggle"
            aria-expanded={detailsOpen}
            aria-controls={detailsId}
            onClick={() => setDetailsOpen(!detailsOpen)}
          >
            Details
          </button>
        )}
      </header>

      <div class="conversation-body">
        <div class="conversation-main">
          {transferring &&
            conversation &&
            isOpen &&
            (transferForm.Component ? (
              <transferForm.Component
                agents={props.agents}
                assigneeId={conversation.assignee?.id ?? null}
                loadTeams={props.loadTeams}
                onTransfer={props.onTransfer}
                onCancel={() => setTransferring(false)}
              />
            ) : (
              <p class="muted">{transferForm.failed ? lazyLoadFailure : 'Loading…'}</p>
            ))}

          {conversation?.transferNote && isOpen && (
            <aside class="transfer-note" aria-label="Note from the last transfer">
              <p class="transfer-note-from">
                Note from {conversation.transferNote.fromName}, {formatFullTime(conversation.transferNote.at)}
              </p>
              <p class="transfer-note-text">{conversation.transferNote.note}</p>
            </aside>
          )}

          {notice && (
            <div class="notice" role="alert">
              <span>{notice}</span>
              <button type="button" class="link-button" onClick={props.onDismissNotice}>
                Dismiss
              </button>
            </div>
          )}

          {threadError && (
            <div class="notice" role="alert">
              <span>Messages could not be loaded: {threadError}</span>
              <button type="button" class="link-button" onClick={props.onReload}>
                Try again
              </button>
            </div>
          )}

          {props.notesError && (
            <div class="notice" role="alert">
              <span>Internal notes could not be loaded: {props.notesError}</span>
              <button type="button" class="link-button" onClick={props.onReload}>
                Try again
              </button>
            </div>
          )}

          {props.toolCallsError && (
            <div class="notice" role="alert">
              <span>The bot's tool calls could not be loaded: {props.toolCallsError}</span>
              <button type="button" class="link-button" onClick={props.onReload}>
                Try again
              </button>
            </div>
          )}

          {!thread.loaded && !threadError ? (
            <div class="message-list message-list-loading" aria-busy="true">
              <p class="muted">Loading messages…</p>
            </div>
          ) : (
            <MessageList
              messages={thread.messages}
              notes={props.notes}
              toolCalls={props.toolCalls}
              pending={thread.pending}
              botReplies={thread.botReplies}
              visitorName={conversation ? contactLabel(conversation.contact) : undefined}
              agentId={agent.id}
              visitorSeenSeq={conversation?.visitorSeenSeq}
              onRetry={props.onRetry}
              onDiscard={props.onDiscard}
              files={props.files}
              approvals={props.approvals}
            />
          )}

          <div class="typing-indicator" aria-live="polite">
            {typing && (
              <>
                <span class="typing-dots" aria-hidden="true">
                  <span />
                  <span />
                  <span />
                </span>
                {typingText(typing)}
              </>
            )}
          </div>

          {hint && <p class={`take-over-hint status-hint-${status}`}>{hint}</p>}

          {deliveryNote && (
            <p id={deliveryNoteId} class="reply-delivery-note">
              {deliveryNote}
            </p>
          )}

          <ReplyBox
            initialDraft={props.initialDraft}
            onDraftChange={props.onDraftChange}
            onSend={props.onSend}
            files={props.files}
            onWriteNote={props.onWriteNote}
            mode={mode}
            onModeChange={(next) => {
              setMode(next);
              props.onModeChange?.(next);
            }}
            onTyping={props.onTyping}
            onStopTyping={props.onStopTyping}
            describedBy={deliveryNote ? deliveryNoteId : undefined}
            insertion={insertion}
            loadSavedReplies={props.loadSavedReplies}
            savedReplyValues={{
              'contact.name': conversation?.contact.name,
              'contact.email': conversation?.contact.email,
              'agent.name': agent.name,
              'organization.name': agent.organizationName,
            }}
          />
        </div>

        {conversation && (
          <aside id={detailsId} class={`conversation-side${detailsOpen ? ' open' : ''}`} aria-label="Details">
            {props.contact && conversation && (
              <ContactPanel
                key={conversation.contact.id}
                contactId={conversation.contact.id}
                conversationId={conversation.id}
                {...props.contact}
              />
            )}
            {conversation.ticket && <TicketPanel ticket={conversation.ticket} onUpdate={props.onUpdateTicket} />}
            {props.assist && conversation && (
              <AssistPanel
                assist={props.assist}
                conversationId={props.conversationId}
                status={conversation.status}
                loaded={thread.loaded}
                hasBotMessages={thread.messages.some((message) => message.author.kind === 'bot')}
                onInsert={(text) => setInsertion({ text })}
              />
            )}
          </aside>
        )}
      </div>
    </section>
  );
}
