/**
 * E-mail to the visitor, for conversations that go on while they are away: an agent's reply they have not seen in the
 * widget (after `PARLEY_REPLY_EMAIL_DELAY_SECONDS`, replies written meanwhile in the same e-mail) and the transcript on
 * request, each with a link back to the conversation (the hosted page, `widgets/chat-page.ts`). Both are jobs, so each
 * is sent by one process and survives a restart; the widget's `conversation:seen` keeps seen replies out of e-mail.
 * A visitor's e-mail reply is not read: the link brings them back to the chat.
 * @module
 */
import { contacts, conversations, messages, organizations, users, widgets, type Database } from '@parley/db';
import { ParleyError, widgetSettingsSchema, type ConversationSeenAck, type TranscriptRequestAck } from '@parley/protocol';
import { and, asc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { publicBaseUrl } from '../config.js';
import { normalizeEmail } from '../conversations/contact-details.js';
import { findVisitorConversation } from '../conversations/service.js';
import { agentReplyEmail, transcriptEmail, type EmailMessage } from '../plugins/mail-templates.js';
import { organizationRoom } from '../plugins/io.js';
import { createRateLimit } from '../plugins/rate-limit.js';
import { chatPageUrl } from '../widgets/chat-page.js';
import { updateContactDetails } from '../conversations/contact-update.js';

/** E-mails a conversation's unseen agent replies; keyed by the conversation, so replies in a row make one e-mail. */
export const REPLY_EMAIL_JOB = 'email.reply';
/** E-mails a conversation's transcript to `payload.email`; keyed by the conversation. */
export const TRANSCRIPT_EMAIL_JOB = 'email.transcript';

/** Transcripts a visitor may ask for per hour: each goes to an address they type, so it must not become a mail cannon. */
const TRANSCRIPTS_PER_HOUR = 3;
/** `conversation:seen` is sent as the visitor reads; more than this per minute is a broken or hostile client. */
const SEEN_PER_MINUTE = 120;

/** What both e-mails need to know of a conversation. */
async function emailContext(db: Database, conversationId: string) {
  const [row] = await db
    .select({
      conversation: conversations,
      contactEmail: contacts.email,
      contactName: contacts.name,
      organizationName: organizations.name,
      publicKey: widgets.publicKey,
      settings: widgets.settings,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, conversations.organizationId))
    .innerJoin(widgets, eq(widgets.id, conversations.widgetId))
    .where(eq(conversations.id, conversationId));
  if (!row) return null;
  const settings = widgetSettingsSchema.safeParse(row.settings);
  return { ...row, settings: settings.success ? settings.data : widgetSettingsSchema.parse({}) };
}

type EmailContext = NonNullable<Awaited<ReturnType<typeof emailContext>>>;

/** A conversation's messages as an e-mail shows them (no status lines), after `afterSeq`, of the given authors. */
async function emailMessages(
  db: Database,
  context: EmailContext,
  options: { afterSeq: number; authorKinds: readonly ('visitor' | 'agent' | 'bot')[] },
): Promise<(EmailMessage & { seq: number; authorKind: string })[]> {
  const rows = await db
    .select({ message: messages, agentName: users.name })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(
      and(
        eq(messages.conversationId, context.conversation.id),
        gt(messages.seq, options.afterSeq),
        inArray(messages.authorKind, [...options.authorKinds]),
      ),
    )
    .orderBy(asc(messages.seq));
  return rows.map(({ message, agentName }) => {
    const storedName = typeof message.metadata.authorName === 'string' ? message.metadata.authorName : null;
    const authorName =
      message.authorKind === 'agent'
        ? (agentName ?? 'Support')
        : message.authorKind === 'bot'
          ? (storedName ?? context.settings.botName)
          : (context.contactName ?? 'You');
    return { seq: message.seq, authorKind: message.authorKind, authorName, body: message.body, createdAt: message.createdAt };
  });
}

/**
 * Registers the e-mail jobs, the visitor's `conversation:seen` (told to the agents when it rises) and
 * `transcript:request`, and the reply timer.
 */
export function registerEmail(app: FastifyInstance): void {
  const { db, jobs, mailer, tokens, config, log, realtime } = app;
  const baseUrl = publicBaseUrl(config);
  const transcriptLimit = createRateLimit(
    TRANSCRIPTS_PER_HOUR,
    3600,
    'You asked for the transcript a few times already; try again in {seconds} s.',
  );
  const seenLimit = createRateLimit(SEEN_PER_MINUTE, 60, 'Too many requests; try again in {seconds} s.');

  /** The link back: the hosted page with a session token of the conversation's visitor. */
  async function conversationLink(context: EmailContext): Promise<string> {
    const sessionToken = await tokens.signVisitor({ contactId: context.conversation.contactId, widgetId: context.conversation.widgetId });
    return chatPageUrl(baseUrl, context.publicKey, sessionToken);
  }

  // Only a process that can send claims e-mail jobs (they are scheduled only where e-mail is set up).
  if (mailer.enabled) {
    jobs.handle(REPLY_EMAIL_JOB, async (job) => {
      const context = await emailContext(db, job.key);
      if (!context?.contactEmail) return;
      const { conversation } = context;
      // Whatever the visitor saw in the widget, or was e-mailed before, is not e-mailed (again).
      const afterSeq = Math.max(conversation.visitorSeenSeq, conversation.visitorEmailedSeq);
      const replies = await emailMessages(db, context, { afterSeq, authorKinds: ['agent'] });
      if (replies.length === 0) return;
      const last = replies.at(-1)!;
      const email = agentReplyEmail({
        organizationName: context.organizationName,
        agentName: last.authorName,
        messages: replies,
        conversationUrl: await conversationLink(context),
        locale: context.settings.locale,
      });
      await mailer.send({ to: context.contactEmail, ...email });
      // A send that succeeded but whose record failed sends again on the retry: rather twice than never.
      await db
        .update(conversations)
        .set({ visitorEmailedSeq: sql`greatest(${conversations.visitorEmailedSeq}, ${last.seq})` })
        .where(eq(conversations.id, conversation.id));
      log.info({ conversationId: conversation.id, replies: replies.length }, 'e-mailed unseen replies to the visitor');
    });

    jobs.handle(TRANSCRIPT_EMAIL_JOB, async (job) => {
      const context = await emailContext(db, job.key);
      const to = typeof job.payload.email === 'string' ? job.payload.email : null;
      if (!context || !to) return;
      const transcript = await emailMessages(db, context, { afterSeq: 0, authorKinds: ['visitor', 'agent', 'bot'] });
      const email = transcriptEmail({
        organizationName: context.organizationName,
        messages: transcript,
        conversationUrl: await conversationLink(context),
        locale: context.settings.locale,
      });
      await mailer.send({ to, ...email });
    });

    app.conversationEffects.subscribeMessages(function scheduleReplyEmail(conversation, sent) {
      if (!sent.some((message) => message.author.kind === 'agent')) return;
      // Scheduling again moves the timer: replies in a row go out together, the delay after the last one.
      jobs
        .schedule(db, {
          organizationId: conversation.organizationId,
          kind: REPLY_EMAIL_JOB,
          key: conversation.id,
          runAt: new Date(Date.now() + config.replyEmailDelaySeconds * 1000),
        })
        .catch((error: unknown) => log.warn({ err: error, conversationId: conversation.id }, 'e-mail: scheduling the reply e-mail failed'));
    });
  }

  app.visitorSocketExtensions.push((_socket, events, visitor) => {
    events.on('conversation:seen', async ({ seq }): Promise<ConversationSeenAck> => {
      await seenLimit(`visitor:${visitor.contactId}`);
      const conversation = await findVisitorConversation(db, visitor.contactId);
      if (!conversation) throw new ParleyError('not_found', 'There is no conversation yet.');
      // Never beyond the last message: a seq from the future would hide replies not yet written.
      const [updated] = await db
        .update(conversations)
        .set({ visitorSeenSeq: sql`greatest(${conversations.visitorSeenSeq}, least(${seq}, ${conversations.lastSeq}))` })
        .where(and(eq(conversations.id, conversation.id), ne(conversations.status, 'closed')))
        .returning({ seenSeq: conversations.visitorSeenSeq });
      if (!updated) throw new ParleyError('not_found', 'There is no conversation yet.');
      // Read receipts: the agents hear of it only when the value rose above the one read before the update (most reports
      // repeat what is stored; two tabs racing may both tell, which is harmless, as the console keeps the highest).
      // Through the organization's room, so the Socket.IO adapter carries it to agents connected to any process.
      if (updated.seenSeq > conversation.visitorSeenSeq) {
        realtime.agents
          .to(organizationRoom(conversation.organizationId))
          .emit('conversation:seen', { conversationId: conversation.id, visitorSeenSeq: updated.seenSeq });
      }
      return updated;
    });

    events.on('transcript:request', async (payload): Promise<TranscriptRequestAck> => {
      if (!mailer.enabled) throw new ParleyError('unavailable', 'This site does not send e-mail.');
      await transcriptLimit(`visitor:${visitor.contactId}`);
      return db.transaction(async (tx) => {
        // Read, not locked: routing skips locked conversations, and asking for a transcript must not delay an agent.
        const conversation = await findVisitorConversation(tx, visitor.contactId);
        if (!conversation) throw new ParleyError('not_found', 'There is no conversation to send yet.');
        const [contact] = await tx.select({ email: contacts.email }).from(contacts).where(eq(contacts.id, visitor.contactId));
        const email = payload.email === undefined ? contact?.email : normalizeEmail(payload.email);
        if (!email) {
          const message = 'Give your e-mail address.';
          throw new ParleyError('invalid_payload', message, { issues: [{ path: 'email', message }] });
        }
        if (email !== contact?.email) await updateContactDetails(tx, eq(contacts.id, visitor.contactId), { email });
        await jobs.schedule(tx, {
          organizationId: conversation.organizationId,
          kind: TRANSCRIPT_EMAIL_JOB,
          key: conversation.id,
          runAt: new Date(),
          payload: { email },
        });
        return { email };
      });
    });
  });
}
