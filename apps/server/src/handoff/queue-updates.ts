import type { FastifyInstance } from 'fastify';
import { listQueueStatuses } from '../conversations/queue-status.js';
import { contactRoom } from '../plugins/io.js';

/** Changes to one organization's queue within this long are told to its visitors once. */
const COALESCE_MS = 100;

/**
 * Keeps waiting visitors up to date: whenever a conversation joins or leaves an organization's queue (the `route` and
 * `queue-changed` effects), every visitor still queued there gets `queue:updated` with their place and the usual wait.
 * The process that made the change tells them, through the Socket.IO adapter, so every process's visitors hear it.
 */
export function registerQueueUpdates(app: FastifyInstance): void {
  const { db, log, realtime } = app;
  const scheduled = new Map<string, NodeJS.Timeout>();
  let closed = false;

  async function tellQueue(organizationId: string): Promise<void> {
    for (const { contactId, ...status } of await listQueueStatuses(db, organizationId)) {
      realtime.visitors.to(contactRoom(contactId)).emit('queue:updated', status);
    }
  }

  function schedule(organizationId: string): void {
    if (closed || scheduled.has(organizationId)) return;
    const timer = setTimeout(() => {
      scheduled.delete(organizationId);
      tellQueue(organizationId).catch((error: unknown) => {
        if (!closed) log.warn({ err: error }, 'queue: telling waiting visitors their places failed');
      });
    }, COALESCE_MS);
    scheduled.set(organizationId, timer);
  }

  app.conversationEffects.subscribe(function updateQueue(conversation, effects) {
    if (effects.some((effect) => effect.type === 'queue-changed' || effect.type === 'route')) schedule(conversation.organizationId);
  });

  app.addHook('onClose', async function stopQueueUpdates() {
    closed = true;
    for (const timer of scheduled.values()) clearTimeout(timer);
    scheduled.clear();
  });
}
