import { conversations, memberships, rowsOf, type Database, type Transaction } from '@parley/db';
import type { FastifyInstance } from 'fastify';
import { and, eq, sql } from 'drizzle-orm';
import { hasFreshSession } from '../conversations/agent-availability.js';
import { publishConversationChange } from '../conversations/broadcast.js';
import { assignConversation } from '../conversations/service.js';

/** Options of {@link registerRouting}. */
export interface RoutingOptions {
  /** How long an agent's connection row counts as fresh (presence's lease): only online agents are given work. */
  leaseMs: number;
}

/** The pair {@link assignNext} chose: a queued conversation and the free agent it goes to. */
interface Choice {
  conversation_id: string;
  user_id: string;
  name: string;
}

/**
 * Takes the organization's routing lock until the transaction ends: every routing choice is made under it, so a change
 * that must not race one (deactivating an agent) takes it first, before any row lock a choice also takes.
 */
export async function lockRouting(tx: Transaction, organizationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`parley-routing:${organizationId}`}))`);
}

/**
 * Gives the organization's oldest queued conversation (of a widget that routes) that has a free agent to the best such
 * agent, in one transaction under the organization's routing lock: every process serializes its choices on that lock,
 * and each choice counts the loads after the previous one committed, so no conversation goes to two agents and no agent
 * gets more than their capacity. A conversation with a team goes to that team's members only; an older one whose team
 * has nobody free waits without holding up the rest. The conversation row is taken `skip locked`: one that a manual
 * claim or a message holds right now is left for the next pass (that change's own `route` effect brings one). Returns
 * null when nothing could be assigned.
 */
export async function assignNext(db: Database, organizationId: string, leaseMs: number) {
  return db.transaction(async (tx) => {
    await lockRouting(tx, organizationId);
    // Oldest first by when the conversation last joined the queue (its latest status change, or creation, to queued).
    // For each, the best free agent: least_loaded, fewest conversations now with them, then least recently given one;
    // round_robin, least recently given one.
    const [choice] = rowsOf<Choice>(
      await tx.execute(sql`
        select c.id as conversation_id, agent.user_id, agent.name
          from conversations c
          join widgets w on w.id = c.widget_id
          cross join lateral (
            select user_id, name from (
              select m.user_id, u.name, m.last_assigned_at,
                     coalesce(m.max_conversations, o.default_max_conversations) as capacity,
                     (select count(*) from conversations a
                       where a.organization_id = m.organization_id and a.assignee_id = m.user_id and a.status = 'agent') as load
                from memberships m
                join users u on u.id = m.user_id
                join organizations o on o.id = m.organization_id
               where m.organization_id = c.organization_id and not m.away and m.deactivated_at is null
                 and ${hasFreshSession(leaseMs, 'm')}
                 and (c.team_id is null
                      or exists (select 1 from team_members t where t.team_id = c.team_id and t.user_id = m.user_id))
            ) candidates
             where load < capacity
             order by case when w.routing->>'strategy' = 'least_loaded' then load else 0 end,
                      last_assigned_at asc nulls first, user_id
             limit 1
          ) agent
         where c.organization_id = ${organizationId} and c.status = 'queued'
           and coalesce(w.routing->>'strategy', 'round_robin') <> 'manual'
         order by (select max(e.created_at) from conversation_events e
                    where e.conversation_id = c.id and e.to_status = 'queued'), c.created_at, c.id
         limit 1
           for update of c skip locked`),
    );
    if (!choice) return null;
    const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, choice.conversation_id));
    const assigned = await assignConversation(tx, conversation!, { userId: choice.user_id, name: choice.name });
    await tx
      .update(memberships)
      .set({ lastAssignedAt: sql`now()` })
      .where(and(eq(memberships.userId, choice.user_id), eq(memberships.organizationId, organizationId)));
    return assigned;
  });
}

/**
 * Routing: queued conversations go to online, not-away, active (not deactivated) agents with a free slot, by the
 * widget's strategy. Every trigger (a conversation joins the queue, a slot is freed, an agent comes online) runs the one
 * path, `assignQueued(organizationId)`: assign the oldest queued conversation to the best free agent, again, until
 * nothing more can be assigned. Returns the function, for presence to call when an agent becomes available.
 */
export function registerRouting(app: FastifyInstance, options: RoutingOptions): (organizationId: string) => void {
  const { db, log, realtime } = app;
  // One pass per organization at a time in this process; a trigger during a pass asks for one more pass after it.
  const passes = new Map<string, { again: boolean; done: Promise<void> }>();
  let closed = false;

  async function assignQueued(organizationId: string): Promise<void> {
    for (;;) {
      if (closed) return;
      const assigned = await assignNext(db, organizationId, options.leaseMs);
      if (!assigned) return;
      await publishConversationChange(
        realtime,
        db,
        app.conversationEffects.perform,
        assigned.conversation,
        assigned.effects,
        assigned.messages,
      );
    }
  }

  function route(organizationId: string): void {
    const running = passes.get(organizationId);
    if (running) {
      running.again = true;
      return;
    }
    const pass = { again: true, done: Promise.resolve() };
    pass.done = (async () => {
      try {
        // assignQueued returns at once after close.
        while (pass.again) {
          pass.again = false;
          await assignQueued(organizationId);
        }
      } catch (error) {
        if (!closed) log.warn({ err: error }, 'routing: assigning queued conversations failed');
      } finally {
        passes.delete(organizationId);
      }
    })();
    passes.set(organizationId, pass);
  }

  app.conversationEffects.subscribe(function routeQueued(conversation, effects) {
    if (effects.some((effect) => effect.type === 'route')) route(conversation.organizationId);
  });

  app.addHook('onClose', async function stopRouting() {
    closed = true;
    await Promise.allSettled([...passes.values()].map((pass) => pass.done));
  });

  return route;
}
