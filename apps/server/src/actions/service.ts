/**
 * An organization's HTTP actions as admins manage them: listed, made, changed and deleted, each checked whole before
 * it is written (the input schema compiles, every template placeholder names an input field or one of the action's
 * secrets). Secrets are sealed on the way in and never given back.
 * @module
 */
import { botActions, teams, type Database } from '@parley/db';
import { ParleyError, type BotAction, type BotActionUpdate, type botActionCreateSchema } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import { compileInputSchema } from './input-schema.js';
import { sealSecrets, updatedSecrets } from './secrets.js';
import { renderUrl, templateIssues } from './template.js';

type ActionRow = typeof botActions.$inferSelect;
type ActionCreate = z.output<typeof botActionCreateSchema>;
type ActionUpdate = { [K in keyof BotActionUpdate]?: Exclude<BotActionUpdate[K], undefined> };

/** An action as admins see it: its secrets by name only. */
export function toBotAction(row: ActionRow): BotAction {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    policy: row.policy,
    confirmationText: row.confirmationText,
    approverTeamId: row.approverTeamId,
    decisionTimeoutSeconds: row.decisionTimeoutSeconds,
    method: row.method,
    url: row.url,
    headers: row.headers,
    secretNames: Object.keys(row.secrets).toSorted(),
    inputSchema: row.inputSchema,
    responseFields: row.responseFields,
    timeoutMs: row.timeoutMs,
    requiresVerifiedContact: row.requiresVerifiedContact,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const ofOrganization = (organizationId: string, actionId: string) =>
  and(eq(botActions.id, actionId), eq(botActions.organizationId, organizationId));

/** The organization's actions, by name. */
export async function listBotActions(db: Database, organizationId: string): Promise<BotAction[]> {
  const rows = await db.select().from(botActions).where(eq(botActions.organizationId, organizationId)).orderBy(asc(botActions.name));
  return rows.map(toBotAction);
}

/** What is checked of an action as it will be stored. */
interface Checked {
  url: string;
  headers: Record<string, string>;
  inputSchema: Record<string, unknown>;
  secretNames: readonly string[];
  confirmationText: string;
}

/** Refuses an action whose schema doesn't compile or whose templates name what it doesn't have, naming each field. */
function check(action: Checked): void {
  const issues: Array<{ path: string; message: string }> = [];
  const compiled = compileInputSchema(action.inputSchema);
  if (!compiled.ok) issues.push({ path: 'body.inputSchema', message: compiled.error });
  const inputs = Object.keys((action.inputSchema.properties as Record<string, unknown> | undefined) ?? {});
  const scope = { inputs, secrets: action.secretNames };
  for (const message of templateIssues(action.url, { ...scope, secretsAllowed: false })) issues.push({ path: 'body.url', message });
  for (const [name, value] of Object.entries(action.headers)) {
    for (const message of templateIssues(value, { ...scope, secretsAllowed: true })) issues.push({ path: `body.headers.${name}`, message });
  }
  const secretsRefused = 'Secrets are never shown: the confirmation text takes input fields only.';
  for (const message of templateIssues(action.confirmationText, { ...scope, secretsAllowed: false, secretsRefused })) {
    issues.push({ path: 'body.confirmationText', message });
  }
  if (issues.length === 0 && !parsesWithInputs(action.url, inputs)) {
    issues.push({ path: 'body.url', message: 'This is not an address a request can go to (check the host name and the port).' });
  }
  if (issues.length > 0) throw new ParleyError('invalid_payload', undefined, { issues });
}

/** Whether the address, filled with sample inputs, parses: the protocol's check of its shape lets some hosts through. */
function parsesWithInputs(template: string, inputs: readonly string[]): boolean {
  try {
    return URL.canParse(renderUrl(template, Object.fromEntries(inputs.map((name) => [name, 'sample']))));
  } catch {
    return false;
  }
}

/** Postgres' unique violation on the organization's names (of actions, of MCP servers), as a conflict an admin can act on. */
export async function namedUniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
    if (code === '23505') throw new ParleyError('conflict', 'Another one has this name: names must differ.');
    throw error;
  }
}

/** Refuses an approver team that is not the organization's. */
export async function checkApproverTeam(db: Database, organizationId: string, teamId: string | null | undefined): Promise<void> {
  if (!teamId) return;
  const [team] = await db
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.id, teamId), eq(teams.organizationId, organizationId)));
  if (!team) {
    throw new ParleyError('invalid_payload', undefined, { issues: [{ path: 'body.approverTeamId', message: 'No team has this id.' }] });
  }
}

/** Makes an action. */
export async function createBotAction(db: Database, box: SecretBox, organizationId: string, input: ActionCreate): Promise<BotAction> {
  check({
    url: input.url,
    headers: input.headers,
    inputSchema: input.inputSchema,
    secretNames: Object.keys(input.secrets),
    confirmationText: input.confirmationText,
  });
  await checkApproverTeam(db, organizationId, input.approverTeamId);
  const secrets = sealSecrets(box, input.secrets);
  const [row] = await namedUniquely(() =>
    db
      .insert(botActions)
      .values({ organizationId, ...input, responseFields: [...input.responseFields], secrets })
      .returning(),
  );
  return toBotAction(row!);
}

/** Changes an action: the fields given; `secrets` sets (a value) or removes (null) the ones it names. */
export async function updateBotAction(
  db: Database,
  box: SecretBox,
  organizationId: string,
  actionId: string,
  update: ActionUpdate,
): Promise<BotAction> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(botActions).where(ofOrganization(organizationId, actionId)).for('update');
    if (!row) throw new ParleyError('not_found', 'No action has this id.');
    const { secrets: secretChanges, responseFields, ...fields } = update;
    const secrets = updatedSecrets(box, row.secrets, secretChanges);
    const merged = { ...row, ...fields, secrets };
    check({
      url: merged.url,
      headers: merged.headers,
      inputSchema: merged.inputSchema,
      secretNames: Object.keys(secrets),
      confirmationText: merged.confirmationText,
    });
    await checkApproverTeam(tx as unknown as Database, organizationId, fields.approverTeamId);
    const [updated] = await namedUniquely(() =>
      tx
        .update(botActions)
        .set({ ...fields, ...(responseFields ? { responseFields: [...responseFields] } : {}), secrets, updatedAt: new Date() })
        .where(ofOrganization(organizationId, actionId))
        .returning(),
    );
    return toBotAction(updated!);
  });
}

/** Deletes an action; its past calls stay in `tool_calls`. */
export async function deleteBotAction(db: Database, organizationId: string, actionId: string): Promise<void> {
  const deleted = await db.delete(botActions).where(ofOrganization(organizationId, actionId)).returning({ id: botActions.id });
  if (deleted.length === 0) throw new ParleyError('not_found', 'No action has this id.');
}

/** The organization's enabled actions, as the bot loads them for a turn. */
export async function enabledBotActions(db: Database, organizationId: string): Promise<ActionRow[]> {
  return db
    .select()
    .from(botActions)
    .where(and(eq(botActions.organizationId, organizationId), eq(botActions.enabled, true)))
    .orderBy(asc(botActions.name));
}
