import type { Database } from '@parley/db';
import type { VisitorConversation } from '@parley/protocol';
import type { Effect } from '../bot/machine.js';
import type { BotRunner } from '../bot/runner.js';
import { contactRoom, organizationRoom, type Realtime } from '../plugins/io.js';
import { getConversationSummary, type SendResult } from './service.js';

/**
 * Tells both sides about a stored message: the visitor's sockets (every tab) and the organization's agents. When the
 * send created or changed the conversation, both sides also get the new conversation state. Then the effects of the
 * committed transition run (start or cancel a bot turn).
 */
export async function publishSendResult(realtime: Realtime, db: Database, bot: BotRunner, result: SendResult): Promise<void> {
  const { conversation, message } = result;
  if (!message) return;
  realtime.visitors.to(contactRoom(conversation.contactId)).emit('message:created', message);
  realtime.agents.to(organizationRoom(conversation.organizationId)).emit('message:created', message);
  if (result.conversationChanged) await publishConversationChange(realtime, db, bot, conversation, result.effects);
  else bot.perform(conversation.id, result.effects);
}

/** Tells both sides a conversation's new state (the visitor its status, the agents the summary), and runs its effects. */
export async function publishConversationChange(
  realtime: Realtime,
  db: Database,
  bot: BotRunner,
  conversation: { id: string; organizationId: string; contactId: string; status: VisitorConversation['status']; lastSeq: number },
  effects: readonly Effect[],
): Promise<void> {
  bot.perform(conversation.id, effects);
  realtime.visitors
    .to(contactRoom(conversation.contactId))
    .emit('conversation:updated', { id: conversation.id, status: conversation.status, lastSeq: conversation.lastSeq });
  const summary = await getConversationSummary(db, conversation.organizationId, conversation.id);
  if (summary) realtime.agents.to(organizationRoom(conversation.organizationId)).emit('conversation:updated', summary);
}
