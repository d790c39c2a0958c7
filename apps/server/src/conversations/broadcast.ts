import type { Database } from '@parley/db';
import type { ConversationSummary, Message, VisitorConversation } from '@parley/protocol';
import { contactRoom, organizationRoom, type Realtime } from '../plugins/io.js';
import type { ConversationEffects, EffectHandler } from './effects.js';
import type { Effect } from './machine.js';
import { getConversationSummary, type SendResult } from './service.js';

/**
 * Tells both sides about a stored message: the visitor's sockets (every tab) and the organization's agents. When the
 * send created or changed the conversation, both sides also get the new conversation state. Then the effects of the
 * committed transition are performed (start or cancel a bot turn) and the message's subscribers hear of it.
 */
export async function publishSendResult(realtime: Realtime, db: Database, bus: ConversationEffects, result: SendResult): Promise<void> {
  const { conversation, message } = result;
  if (!message) return;
  // In seq order: the status lines a send causes come before it ("Robin joined the conversation.", then Robin's reply).
  publishMessages(realtime, conversation, [...result.systemMessages, message, ...(result.followingMessages ?? [])]);
  if (result.conversationChanged) await publishConversationChange(realtime, db, bus.perform, conversation, result.effects);
  else bus.perform(conversation, result.effects);
  bus.messagesSent(conversation, [message]);
}

/** A conversation as {@link announceConversation} needs it. */
type AnnouncedConversation = {
  id: string;
  organizationId: string;
  contactId: string;
  status: VisitorConversation['status'];
  lastSeq: number;
};

/** Tells both sides about stored messages, in order: the visitor's sockets (every tab) and the organization's agents. */
export function publishMessages(
  realtime: Realtime,
  conversation: Pick<AnnouncedConversation, 'organizationId' | 'contactId'>,
  messages: readonly Message[],
): void {
  for (const message of messages) {
    realtime.visitors.to(contactRoom(conversation.contactId)).emit('message:created', message);
    realtime.agents.to(organizationRoom(conversation.organizationId)).emit('message:created', message);
  }
}

/**
 * Tells both sides about the system messages a committed transition wrote, performs its effects and tells both sides
 * the conversation's new state.
 */
export async function publishConversationChange(
  realtime: Realtime,
  db: Database,
  perform: EffectHandler,
  conversation: AnnouncedConversation,
  effects: readonly Effect[],
  messages: readonly Message[] = [],
): Promise<void> {
  publishMessages(realtime, conversation, messages);
  perform(conversation, effects);
  await announceConversation(realtime, db, conversation);
}

/** Tells both sides a conversation's new state: the visitor its status, the agents the summary, which it returns. */
export async function announceConversation(
  realtime: Realtime,
  db: Database,
  conversation: AnnouncedConversation,
): Promise<ConversationSummary | undefined> {
  realtime.visitors
    .to(contactRoom(conversation.contactId))
    .emit('conversation:updated', { id: conversation.id, status: conversation.status, lastSeq: conversation.lastSeq });
  const summary = await getConversationSummary(db, conversation.organizationId, conversation.id);
  if (summary) realtime.agents.to(organizationRoom(conversation.organizationId)).emit('conversation:updated', summary);
  return summary;
}
