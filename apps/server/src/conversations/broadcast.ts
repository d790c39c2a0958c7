import type { Database } from '@parley/db';
import { contactRoom, organizationRoom, type Realtime } from '../plugins/io.js';
import { toVisitorConversation } from './mappers.js';
import { getConversationSummary, type SendResult } from './service.js';

/**
 * Tells both sides about a stored message: the visitor's sockets (every tab) and the organization's agents. When the
 * send created or changed the conversation, both sides also get the new conversation state.
 */
export async function publishSendResult(realtime: Realtime, db: Database, result: SendResult): Promise<void> {
  const { conversation, message } = result;
  if (!message) return;
  const visitorRoom = realtime.visitors.to(contactRoom(conversation.contactId));
  const agentRoom = realtime.agents.to(organizationRoom(conversation.organizationId));
  visitorRoom.emit('message:created', message);
  agentRoom.emit('message:created', message);
  if (result.conversationChanged) {
    visitorRoom.emit('conversation:updated', toVisitorConversation(conversation));
    const summary = await getConversationSummary(db, conversation.organizationId, conversation.id);
    if (summary) agentRoom.emit('conversation:updated', summary);
  }
}
