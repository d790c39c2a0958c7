/**
 * Teams: groups of agents that a widget's conversations, or a transfer, are routed to. Admins manage them; every agent
 * can list them (the transfer menu).
 * @module
 */
import { isUniqueViolation, memberships, teamMembers, teams, widgets, type Database, type Transaction } from '@parley/db';
import { ParleyError, teamCreateSchema, teamListSchema, teamParamsSchema, teamSchema, teamUpdateSchema, type Team } from '@parley/protocol';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import { checkProfileOf } from '../profiles/service.js';
import { teamCreateExample, teamExample, teamListExample, teamUpdatedExample, teamUpdateExample } from './api-examples.js';

/** The organization's teams by name, each with its members' ids. */
export async function listTeams(db: Database | Transaction, organizationId: string): Promise<Team[]> {
  const rows = await db
    .select({ id: teams.id, name: teams.name, botProfileId: teams.botProfileId, memberId: teamMembers.userId })
    .from(teams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
    .where(eq(teams.organizationId, organizationId))
    .orderBy(asc(sql`lower(${teams.name})`), asc(teams.id), asc(teamMembers.userId));
  const byId = new Map<string, Team>();
  for (const row of rows) {
    const team = byId.get(row.id) ?? { id: row.id, name: row.name, memberIds: [], botProfileId: row.botProfileId };
    if (row.memberId) team.memberIds.push(row.memberId);
    byId.set(row.id, team);
  }
  return [...byId.values()];
}

/** Replaces a team's members, after checking each is an agent of the organization. */
async function setMembers(tx: Transaction, organizationId: string, teamId: string, memberIds: readonly string[]): Promise<void> {
  const unique = [...new Set(memberIds)];
  if (unique.length > 0) {
    const found = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), inArray(memberships.userId, unique)));
    const known = new Set(found.map((row) => row.userId));
    const missing = unique.filter((id) => !known.has(id));
    if (missing.length > 0) throw new ParleyError('not_found', `No agent of your organization has the id ${missing.join(', ')}.`);
  }
  await tx.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (unique.length > 0) await tx.insert(teamMembers).values(unique.map((userId) => ({ teamId, userId })));
}

/** Runs `write`, answering a second team of the same name (any case) with `conflict`. */
async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new ParleyError('conflict', `A team named "${name}" exists already.`);
    throw error;
  }
}

async function getTeam(tx: Transaction, organizationId: string, teamId: string): Promise<Team> {
  const team = (await listTeams(tx, organizationId)).find((candidate) => candidate.id === teamId);
  if (!team) throw new ParleyError('not_found', 'Your organization has no team with this id.');
  return team;
}

/** Creates a team with its members. */
export async function createTeam(db: Database, organizationId: string, input: z.output<typeof teamCreateSchema>): Promise<Team> {
  await checkProfileOf(db, organizationId, input.botProfileId, 'body.botProfileId');
  return uniqueName(input.name, () =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(teams)
        .values({ organizationId, name: input.name, botProfileId: input.botProfileId })
        .returning({ id: teams.id });
      await setMembers(tx, organizationId, row!.id, input.memberIds);
      return getTeam(tx, organizationId, row!.id);
    }),
  );
}

/** Renames a team, replaces its members, chooses its bot profile, or several. */
export async function updateTeam(
  db: Database,
  organizationId: string,
  teamId: string,
  input: z.output<typeof teamUpdateSchema>,
): Promise<Team> {
  await checkProfileOf(db, organizationId, input.botProfileId, 'body.botProfileId');
  return uniqueName(input.name, () =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(teams)
        .set({
          id: teamId,
          ...(input.name === undefined ? {} : { name: input.name }),
          ...(input.botProfileId === undefined ? {} : { botProfileId: input.botProfileId }),
        })
        .where(and(eq(teams.id, teamId), eq(teams.organizationId, organizationId)))
        .returning({ id: teams.id });
      if (!row) throw new ParleyError('not_found', 'Your organization has no team with this id.');
      if (input.memberIds) await setMembers(tx, organizationId, teamId, input.memberIds);
      return getTeam(tx, organizationId, teamId);
    }),
  );
}

/**
 * Deletes a team. Its conversations lose their team (any agent may then get them: the foreign key sets it null), and
 * widgets that routed to it route to everyone, in the same transaction.
 */
export async function deleteTeam(db: Database, organizationId: string, teamId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(teams)
      .where(and(eq(teams.id, teamId), eq(teams.organizationId, organizationId)))
      .returning({ id: teams.id });
    if (!row) throw new ParleyError('not_found', 'Your organization has no team with this id.');
    await tx
      .update(widgets)
      .set({ routing: sql`${widgets.routing} || '{"teamId": null}'::jsonb` })
      .where(and(eq(widgets.organizationId, organizationId), sql`${widgets.routing}->>'teamId' = ${teamId}`));
  });
}

/**
 * `/api/teams`: any agent lists them; admins create, change and delete them. A change of members or a deleted team
 * can make queued conversations routable, so each write asks routing for a pass (`route`).
 */
export function registerTeamRoutes(app: FastifyInstance, route: (organizationId: string) => void): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const adminOnly = requireAdmin('manage teams');

  api.get(
    '/api/teams',
    {
      config: { scope: 'conversations:read', example: { response: teamListExample } },
      preValidation: app.authenticate,
      schema: { response: { 200: teamListSchema } },
    },
    async function listTeamsRoute(request) {
      return { teams: await listTeams(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/teams',
    {
      config: { example: { body: teamCreateExample, response: teamExample } },
      preValidation: [app.authenticate, adminOnly],
      schema: { body: teamCreateSchema, response: { 201: teamSchema } },
    },
    async function createTeamRoute(request, reply) {
      const team = await createTeam(app.db, organizationIdOf(request), request.body);
      route(organizationIdOf(request));
      return reply.code(201).send(team);
    },
  );

  api.patch(
    '/api/teams/:teamId',
    {
      config: { example: { body: teamUpdateExample, response: teamUpdatedExample } },
      preValidation: [app.authenticate, adminOnly],
      schema: { params: teamParamsSchema, body: teamUpdateSchema, response: { 200: teamSchema } },
    },
    async function updateTeamRoute(request) {
      const team = await updateTeam(app.db, organizationIdOf(request), request.params.teamId, request.body);
      route(organizationIdOf(request));
      return team;
    },
  );

  api.delete(
    '/api/teams/:teamId',
    { preValidation: [app.authenticate, adminOnly], schema: { params: teamParamsSchema, response: { 204: z.null() } } },
    async function deleteTeamRoute(request, reply) {
      await deleteTeam(app.db, organizationIdOf(request), request.params.teamId);
      route(organizationIdOf(request));
      return reply.code(204).send(null);
    },
  );
}
