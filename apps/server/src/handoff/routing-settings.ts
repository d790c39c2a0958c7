/**
 * `/api/routing` (admins): each widget's routing (strategy, team, reopen rule) and how many conversations each agent
 * takes at once. Every change asks routing for a pass: a widget switched from manual, or a larger capacity, can make
 * queued conversations assignable at once.
 * @module
 */
import { memberships, organizations, teams, users, widgets, type Database } from '@parley/db';
import {
  agentCapacityUpdateSchema,
  ParleyError,
  routingAgentParamsSchema,
  routingDefaultsUpdateSchema,
  routingSettingsSchema,
  routingWidgetParamsSchema,
  widgetRoutingSchema,
  widgetRoutingUpdateSchema,
  type RoutingSettings,
  type WidgetRouting,
  type WidgetRoutingUpdate,
} from '@parley/protocol';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAdmin } from '../auth/caller.js';
import { routingConfigSchema } from '../widgets/routing-config.js';
import {
  agentCapacityUpdateExample,
  routingDefaultsUpdateExample,
  routingSettingsExample,
  widgetRoutingUpdatedExample,
  widgetRoutingUpdateExample,
} from './api-examples.js';

/** The organization's capacities and its widgets' routing, by name. */
export async function readRoutingSettings(db: Database, organizationId: string): Promise<RoutingSettings> {
  const [organization] = await db
    .select({ defaultMaxConversations: organizations.defaultMaxConversations })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  const agents = await db
    .select({ userId: users.id, name: users.name, maxConversations: memberships.maxConversations })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    // Deactivated people take no conversations: their capacity is not a setting to show.
    .where(and(eq(memberships.organizationId, organizationId), isNull(memberships.deactivatedAt)))
    .orderBy(asc(users.name), asc(users.id));
  const rows = await db
    .select({ id: widgets.id, name: widgets.name, routing: widgets.routing })
    .from(widgets)
    .where(eq(widgets.organizationId, organizationId))
    .orderBy(asc(widgets.name), asc(widgets.id));
  return {
    defaultMaxConversations: organization!.defaultMaxConversations,
    agents,
    widgets: rows.map((row) => ({ id: row.id, name: row.name, routing: routingConfigSchema.parse(row.routing) })),
  };
}

/** Changes a widget's routing; a team must be one of the organization's. Returns the routing now in force. */
export async function updateWidgetRouting(
  db: Database,
  organizationId: string,
  widgetId: string,
  update: WidgetRoutingUpdate,
): Promise<WidgetRouting> {
  return db.transaction(async (tx) => {
    const [widget] = await tx
      .select({ routing: widgets.routing })
      .from(widgets)
      .where(and(eq(widgets.id, widgetId), eq(widgets.organizationId, organizationId)))
      .for('update');
    if (!widget) throw new ParleyError('not_found', 'Your organization has no widget with this id.');
    // Every team named, the widget's and its topics', must be one of the organization's.
    const named = [update.teamId, ...(update.topics ?? []).map((topic) => topic.teamId)].filter((id): id is string => Boolean(id));
    const unique = [...new Set(named)];
    if (unique.length > 0) {
      const found = await tx
        .select({ id: teams.id })
        .from(teams)
        .where(and(inArray(teams.id, unique), eq(teams.organizationId, organizationId)));
      if (found.length !== unique.length) throw new ParleyError('not_found', 'Your organization has no team with this id.');
    }
    const routing = widgetRoutingSchema.parse({ ...routingConfigSchema.parse(widget.routing), ...update });
    await tx.update(widgets).set({ routing }).where(eq(widgets.id, widgetId));
    return routing;
  });
}

/** Registers `/api/routing`; `route` is routing's pass for an organization. */
export function registerRoutingSettings(app: FastifyInstance, route: (organizationId: string) => void): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation: an agent (or nobody) is refused whatever the body, rather than told what is wrong with it.
  const preValidation = [app.authenticate, requireAdmin('change routing')];

  api.get(
    '/api/routing',
    { config: { example: { response: routingSettingsExample } }, preValidation, schema: { response: { 200: routingSettingsSchema } } },
    async function readRoutingRoute(request) {
      return readRoutingSettings(app.db, request.agent!.organizationId);
    },
  );

  api.patch(
    '/api/routing',
    {
      config: { example: { body: routingDefaultsUpdateExample, response: routingSettingsExample } },
      preValidation,
      schema: { body: routingDefaultsUpdateSchema, response: { 200: routingSettingsSchema } },
    },
    async function updateRoutingDefaultsRoute(request) {
      const { organizationId } = request.agent!;
      await app.db.update(organizations).set(request.body).where(eq(organizations.id, organizationId));
      route(organizationId);
      return readRoutingSettings(app.db, organizationId);
    },
  );

  api.patch(
    '/api/routing/agents/:userId',
    {
      config: { example: { body: agentCapacityUpdateExample, response: routingSettingsExample } },
      preValidation,
      schema: { params: routingAgentParamsSchema, body: agentCapacityUpdateSchema, response: { 200: routingSettingsSchema } },
    },
    async function updateAgentCapacityRoute(request) {
      const { organizationId } = request.agent!;
      const [updated] = await app.db
        .update(memberships)
        .set(request.body)
        .where(and(eq(memberships.userId, request.params.userId), eq(memberships.organizationId, organizationId)))
        .returning({ userId: memberships.userId });
      if (!updated) throw new ParleyError('not_found', 'No agent of your organization has this id.');
      route(organizationId);
      return readRoutingSettings(app.db, organizationId);
    },
  );

  api.patch(
    '/api/routing/widgets/:widgetId',
    {
      config: { example: { body: widgetRoutingUpdateExample, response: widgetRoutingUpdatedExample } },
      preValidation,
      schema: { params: routingWidgetParamsSchema, body: widgetRoutingUpdateSchema, response: { 200: widgetRoutingSchema } },
    },
    async function updateWidgetRoutingRoute(request) {
      const { organizationId } = request.agent!;
      const routing = await updateWidgetRouting(app.db, organizationId, request.params.widgetId, request.body);
      route(organizationId);
      return routing;
    },
  );
}
