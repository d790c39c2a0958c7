/**
 * An organization's bot profiles as admins manage them: listed, made, changed and deleted. A profile's bot settings are
 * stored as `widgets.bot` stores a widget's (one schema, `botConfigSchema`), so that a turn reads either the same way.
 * @module
 */
import { botActions, botProfiles, knowledgeSources, mcpServers, teams, widgets, type Database } from '@parley/db';
import { ParleyError, type BotProfile, type botProfileCreateSchema, type botProfileUpdateSchema } from '@parley/protocol';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { mcpToolName } from '../actions/mcp-servers.js';
import { namedUniquely } from '../actions/service.js';
import { profileSettingsSchema, type ProfileSettings } from './settings.js';

type ProfileRow = typeof botProfiles.$inferSelect;
type ProfileCreate = z.output<typeof botProfileCreateSchema>;
type ProfileUpdate = z.output<typeof botProfileUpdateSchema>;

/** A profile as admins see it, with the widgets and teams that chose it. */
function toBotProfile(row: ProfileRow, usedBy: BotProfile['usedBy']): BotProfile {
  const settings = profileSettingsSchema.parse(row.settings);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    botName: settings.botName,
    persona: settings.persona,
    tone: settings.tone,
    instructions: settings.instructions,
    businessFacts: settings.businessFacts,
    model: settings.model ?? null,
    handoff: settings.handoff,
    turnTaking: settings.turnTaking ?? null,
    knowledgeScope: { tags: row.knowledgeScope.tags, sourceIds: row.knowledgeScope.sourceIds },
    tools: row.tools,
    toolPolicies: row.toolPolicies,
    usedBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const ofOrganization = (organizationId: string, profileId: string) =>
  and(eq(botProfiles.id, profileId), eq(botProfiles.organizationId, organizationId));

/** The organization's profiles by name, each with the widgets and teams that chose it. */
export async function listBotProfiles(db: Database, organizationId: string): Promise<BotProfile[]> {
  const [rows, widgetRows, teamRows] = await Promise.all([
    db.select().from(botProfiles).where(eq(botProfiles.organizationId, organizationId)).orderBy(asc(botProfiles.name)),
    db.select({ id: widgets.id, profileId: widgets.botProfileId }).from(widgets).where(eq(widgets.organizationId, organizationId)),
    db.select({ id: teams.id, profileId: teams.botProfileId }).from(teams).where(eq(teams.organizationId, organizationId)),
  ]);
  return rows.map((row) =>
    toBotProfile(row, {
      widgetIds: widgetRows.filter((widget) => widget.profileId === row.id).map((widget) => widget.id),
      teamIds: teamRows.filter((team) => team.profileId === row.id).map((team) => team.id),
    }),
  );
}

async function usedByOf(db: Database, profileId: string): Promise<BotProfile['usedBy']> {
  const [widgetRows, teamRows] = await Promise.all([
    db.select({ id: widgets.id }).from(widgets).where(eq(widgets.botProfileId, profileId)),
    db.select({ id: teams.id }).from(teams).where(eq(teams.botProfileId, profileId)),
  ]);
  return { widgetIds: widgetRows.map((row) => row.id), teamIds: teamRows.map((row) => row.id) };
}

/**
 * Refuses what names nothing of the organization's: a website of the knowledge scope, a tool that is neither an action
 * nor an allowed MCP tool (a typo would leave the bot without the tool, silently).
 */
async function checkReferences(
  db: Database,
  organizationId: string,
  fields: {
    sourceIds?: readonly string[] | undefined;
    tools?: readonly string[] | null | undefined;
    toolPolicies?: Readonly<Record<string, string>> | undefined;
    /** The stored tool list, when `tools` is not being changed. */
    keptTools?: readonly string[] | null | undefined;
  },
  configuredTools: readonly string[],
): Promise<void> {
  const issues: Array<{ path: string; message: string }> = [];
  if (fields.sourceIds && fields.sourceIds.length > 0) {
    const known = await db
      .select({ id: knowledgeSources.id })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.organizationId, organizationId), inArray(knowledgeSources.id, [...fields.sourceIds])));
    fields.sourceIds.forEach((id, index) => {
      if (!known.some((source) => source.id === id)) {
        issues.push({ path: `body.knowledgeScope.sourceIds.${index}`, message: 'No website of the knowledge base has this id.' });
      }
    });
  }
  const policed = Object.keys(fields.toolPolicies ?? {});
  if ((fields.tools && fields.tools.length > 0) || policed.length > 0) {
    const names = new Set([...(await toolNamesOf(db, organizationId)), ...configuredTools]);
    fields.tools?.forEach((name, index) => {
      if (!names.has(name)) {
        issues.push({ path: `body.tools.${index}`, message: `No action or allowed MCP tool is named ${name}.` });
      }
    });
    // A policy for a tool the bot can't call would say nothing: the tool must exist and be in the profile's list.
    const offered = fields.tools !== undefined ? fields.tools : fields.keptTools;
    for (const name of policed) {
      if (!names.has(name)) issues.push({ path: `body.toolPolicies.${name}`, message: `No action or allowed MCP tool is named ${name}.` });
      else if (offered && !offered.includes(name)) {
        issues.push({ path: `body.toolPolicies.${name}`, message: 'Add the tool to the profile’s tools first.' });
      }
    }
  }
  if (issues.length > 0) throw new ParleyError('invalid_payload', undefined, { issues });
}

/** Every tool a profile may name: the organization's actions and its MCP servers' allowed tools, enabled or not. */
export async function toolNamesOf(db: Database, organizationId: string): Promise<string[]> {
  const [actions, servers] = await Promise.all([
    db.select({ name: botActions.name }).from(botActions).where(eq(botActions.organizationId, organizationId)),
    db.select({ name: mcpServers.name, tools: mcpServers.tools }).from(mcpServers).where(eq(mcpServers.organizationId, organizationId)),
  ]);
  return [
    ...actions.map((action) => action.name),
    ...servers.flatMap((server) => server.tools.map((tool) => mcpToolName(server.name, tool.name))),
  ];
}

/** The stored settings of a profile: what {@link profileSettingsSchema} reads back. */
function settingsOf(fields: {
  botName: string | null;
  persona: string;
  tone?: string | undefined;
  instructions: string;
  businessFacts: string;
  model: string | null;
  handoff: Partial<ProfileSettings['handoff']>;
  turnTaking: ProfileSettings['turnTaking'] | null;
}): ProfileSettings {
  const defaults = profileSettingsSchema.parse({});
  return profileSettingsSchema.parse({
    botName: fields.botName,
    persona: fields.persona,
    tone: fields.tone ?? defaults.tone,
    instructions: fields.instructions,
    businessFacts: fields.businessFacts,
    ...(fields.model === null ? {} : { model: fields.model }),
    handoff: { ...defaults.handoff, ...fields.handoff },
    ...(fields.turnTaking === null ? {} : { turnTaking: fields.turnTaking }),
  });
}

/** Makes a profile. */
/** What a profile may name besides the database's: the allowed tools of the configuration file's MCP servers. */
export interface ProfileChecks {
  configuredTools: readonly string[];
}

export async function createBotProfile(
  db: Database,
  organizationId: string,
  input: ProfileCreate,
  checks: ProfileChecks,
): Promise<BotProfile> {
  await checkReferences(
    db,
    organizationId,
    { sourceIds: input.knowledgeScope.sourceIds, tools: input.tools, toolPolicies: input.toolPolicies },
    checks.configuredTools,
  );
  const [row] = await namedUniquely(() =>
    db
      .insert(botProfiles)
      .values({
        organizationId,
        name: input.name,
        description: input.description,
        settings: settingsOf(input),
        knowledgeScope: { tags: [...new Set(input.knowledgeScope.tags)], sourceIds: [...new Set(input.knowledgeScope.sourceIds)] },
        tools: input.tools,
        toolPolicies: input.toolPolicies,
      })
      .returning(),
  );
  return toBotProfile(row!, { widgetIds: [], teamIds: [] });
}

/** Changes a profile: the fields given; `handoff` and `knowledgeScope` may name some of theirs only. */
export async function updateBotProfile(
  db: Database,
  organizationId: string,
  profileId: string,
  update: ProfileUpdate,
  checks: ProfileChecks,
): Promise<BotProfile> {
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(botProfiles).where(ofOrganization(organizationId, profileId)).for('update');
    if (!row) throw new ParleyError('not_found', 'No bot profile has this id.');
    const stored = profileSettingsSchema.parse(row.settings);
    const settings = settingsOf({
      botName: update.botName !== undefined ? update.botName : stored.botName,
      persona: update.persona ?? stored.persona,
      tone: update.tone ?? stored.tone,
      instructions: update.instructions ?? stored.instructions,
      businessFacts: update.businessFacts ?? stored.businessFacts,
      model: update.model !== undefined ? update.model : (stored.model ?? null),
      handoff: { ...stored.handoff, ...update.handoff },
      turnTaking: update.turnTaking !== undefined ? update.turnTaking : (stored.turnTaking ?? null),
    });
    const knowledgeScope = {
      tags: [...new Set(update.knowledgeScope?.tags ?? row.knowledgeScope.tags)],
      sourceIds: [...new Set(update.knowledgeScope?.sourceIds ?? row.knowledgeScope.sourceIds)],
    };
    await checkReferences(
      tx as unknown as Database,
      organizationId,
      {
        sourceIds: update.knowledgeScope?.sourceIds,
        tools: update.tools,
        // Checked against the tools it will have: the new list, or the kept one.
        toolPolicies: update.toolPolicies,
        keptTools: update.tools === undefined ? row.tools : undefined,
      },
      checks.configuredTools,
    );
    const [written] = await namedUniquely(() =>
      tx
        .update(botProfiles)
        .set({
          ...(update.name !== undefined ? { name: update.name } : {}),
          ...(update.description !== undefined ? { description: update.description } : {}),
          ...(update.tools !== undefined ? { tools: update.tools } : {}),
          ...(update.toolPolicies !== undefined ? { toolPolicies: update.toolPolicies } : {}),
          settings,
          knowledgeScope,
          updatedAt: new Date(),
        })
        .where(ofOrganization(organizationId, profileId))
        .returning(),
    );
    return written!;
  });
  return toBotProfile(updated, await usedByOf(db, profileId));
}

/** Deletes a profile: the widgets and teams that chose it go back to the widget's own bot; past messages keep its name. */
export async function deleteBotProfile(db: Database, organizationId: string, profileId: string): Promise<void> {
  const deleted = await db.delete(botProfiles).where(ofOrganization(organizationId, profileId)).returning({ id: botProfiles.id });
  if (deleted.length === 0) throw new ParleyError('not_found', 'No bot profile has this id.');
}

/** Refuses a profile id that is not the organization's, naming the field at `path`. */
export async function checkProfileOf(
  db: Database,
  organizationId: string,
  profileId: string | null | undefined,
  path: string,
): Promise<void> {
  if (profileId) await checkProfilesOf(db, organizationId, [profileId], () => path);
}

/** Refuses the ids of `profileIds` that are not the organization's, in one query, each named by `pathOf` its index. */
export async function checkProfilesOf(
  db: Database,
  organizationId: string,
  profileIds: readonly string[],
  pathOf: (index: number) => string,
): Promise<void> {
  if (profileIds.length === 0) return;
  const found = await db
    .select({ id: botProfiles.id })
    .from(botProfiles)
    .where(and(eq(botProfiles.organizationId, organizationId), inArray(botProfiles.id, [...profileIds])));
  const issues = profileIds.flatMap((id, index) =>
    found.some((row) => row.id === id) ? [] : [{ path: pathOf(index), message: 'No bot profile has this id.' }],
  );
  if (issues.length > 0) throw new ParleyError('invalid_payload', undefined, { issues });
}
