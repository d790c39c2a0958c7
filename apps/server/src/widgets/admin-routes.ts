/**
 * `/api/widgets` for admins (`GET /api/widgets`, `PATCH /api/widgets/:widgetId`): a widget's name, allowed origins,
 * looks and bot, for the console's Settings → Widgets page. Routing (strategy, team, business hours) is changed with
 * `/api/routing/widgets/:widgetId` (`handoff/routing-settings.ts`). These routes are the console's, on its own origin:
 * they are registered outside the public widget routes' scope, whose answers allow any origin.
 * @module
 */
import { widgets, type Database } from '@parley/db';
import {
  ParleyError,
  widgetAdminListSchema,
  widgetAdminSchema,
  widgetAdminUpdateSchema,
  widgetIdParamsSchema,
  widgetSettingsSchema,
  type WidgetAdmin,
} from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isSupportedCountry } from 'libphonenumber-js';
import type { z } from 'zod';
import { organizationIdOf, requireAdmin } from '../auth/caller.js';
import { checkProfileOf, checkProfilesOf } from '../profiles/service.js';
import { widgetAdminListExample, widgetAdminUpdatedExample, widgetAdminUpdateExample } from './api-examples.js';
import { botConfigSchema, type ReplyTiming } from './bot-config.js';
import { routingConfigSchema } from './routing-config.js';

type WidgetRow = typeof widgets.$inferSelect;
type WidgetAdminUpdate = z.output<typeof widgetAdminUpdateSchema>;

/**
 * A widget row as an admin sees it. Every column is validated on the way out, as everywhere else. A widget without its
 * own turn-taking shows the server's (`serverReplyTiming`), which it follows.
 */
function toWidgetAdmin(row: WidgetRow, serverReplyTiming: ReplyTiming): WidgetAdmin {
  const settings = widgetSettingsSchema.parse(row.settings);
  const bot = botConfigSchema.parse(row.bot);
  return {
    id: row.id,
    name: row.name,
    publicKey: row.publicKey,
    allowedOrigins: row.allowedOrigins,
    settings: {
      title: settings.title,
      greeting: settings.greeting,
      accentColor: settings.accentColor,
      position: settings.position,
      theme: settings.theme,
      launcherLabel: settings.launcherLabel,
      offsetX: settings.offsetX,
      offsetY: settings.offsetY,
      teamName: settings.teamName,
      showAgents: settings.showAgents,
      sound: settings.sound,
      locale: settings.locale,
      botName: settings.botName,
      defaultCountry: settings.defaultCountry ?? null,
      preChat: settings.preChat,
      proactive: settings.proactive,
    },
    bot: {
      enabled: bot.enabled,
      handoff: bot.handoff,
      turnTaking: bot.turnTaking ?? serverReplyTiming,
      persona: bot.persona,
      tone: bot.tone,
      businessFacts: bot.businessFacts,
      profileId: row.botProfileId,
      triageProfileIds: bot.triageProfileIds,
    },
    routing: routingConfigSchema.parse(row.routing),
  };
}

/** The organization's widgets, by name. */
export async function listAdminWidgets(db: Database, organizationId: string, serverReplyTiming: ReplyTiming): Promise<WidgetAdmin[]> {
  const rows = await db
    .select()
    .from(widgets)
    .where(eq(widgets.organizationId, organizationId))
    .orderBy(asc(widgets.name), asc(widgets.id));
  return rows.map((row) => toWidgetAdmin(row, serverReplyTiming));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` without its undefined fields, so that spreading it keeps what is stored. */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));
}

/**
 * Validates a stored column with the change merged in, whole, with the schema the rest of the server reads it with:
 * a refusal is `invalid_payload` with paths as the request's (`body.settings.title`), never a bad row.
 */
function validateMerged<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ParleyError('invalid_payload', undefined, {
    issues: result.error.issues.slice(0, 10).map((issue) => ({
      path: [prefix, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  });
}

/**
 * Changes a widget of the organization. Everything is checked before anything is written, and written in one
 * statement: a refused change leaves the row as it was.
 */
export async function updateAdminWidget(
  db: Database,
  organizationId: string,
  widgetId: string,
  update: WidgetAdminUpdate,
  serverReplyTiming: ReplyTiming,
): Promise<WidgetAdmin> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(widgets)
      .where(and(eq(widgets.id, widgetId), eq(widgets.organizationId, organizationId)))
      .for('update');
    if (!row) throw new ParleyError('not_found', 'Your organization has no widget with this id.');

    const changes: Partial<Pick<WidgetRow, 'name' | 'allowedOrigins' | 'settings' | 'bot' | 'botProfileId'>> = {};
    if (update.name !== undefined) changes.name = update.name;
    if (update.allowedOrigins !== undefined) changes.allowedOrigins = update.allowedOrigins;
    if (update.settings !== undefined) {
      const { defaultCountry, preChat, ...fields } = update.settings;
      // The protocol checks the shape; the phone library must also know the country, or every number would be refused.
      if (defaultCountry && !isSupportedCountry(defaultCountry)) {
        throw new ParleyError('invalid_payload', undefined, {
          issues: [
            { path: 'body.settings.defaultCountry', message: `"${defaultCountry}" is not a country phone numbers can be read for.` },
          ],
        });
      }
      const merged: Record<string, unknown> = { ...(isRecord(row.settings) ? row.settings : {}), ...defined(fields) };
      // The form's fields are merged one by one: changing one keeps the others as stored.
      if (preChat !== undefined) merged.preChat = { ...(isRecord(merged.preChat) ? merged.preChat : {}), ...defined(preChat) };
      if (defaultCountry === null) delete merged.defaultCountry;
      else if (defaultCountry !== undefined) merged.defaultCountry = defaultCountry;
      changes.settings = validateMerged(widgetSettingsSchema, merged, 'body.settings');
    }
    if (update.bot !== undefined) {
      const { handoff, turnTaking, profileId, ...fields } = update.bot;
      if (profileId !== undefined) {
        await checkProfileOf(tx as unknown as Database, organizationId, profileId, 'body.bot.profileId');
        changes.botProfileId = profileId;
      }
      await checkProfilesOf(
        tx as unknown as Database,
        organizationId,
        fields.triageProfileIds ?? [],
        (index) => `body.bot.triageProfileIds.${index}`,
      );
      const stored = isRecord(row.bot) ? row.bot : {};
      const merged = {
        ...stored,
        ...defined(fields),
        handoff: { ...(isRecord(stored.handoff) ? stored.handoff : {}), ...defined(handoff ?? {}) },
        // Changing one of the two stores both: the widget then has its own, whatever the server's default becomes.
        ...(turnTaking !== undefined
          ? { turnTaking: { ...serverReplyTiming, ...(isRecord(stored.turnTaking) ? stored.turnTaking : {}), ...defined(turnTaking) } }
          : {}),
      };
      changes.bot = validateMerged(botConfigSchema, merged, 'body.bot');
    }

    const [updated] = await tx.update(widgets).set(changes).where(eq(widgets.id, widgetId)).returning();
    return toWidgetAdmin(updated!, serverReplyTiming);
  });
}

/** Registers `GET /api/widgets` and `PATCH /api/widgets/:widgetId`, for admins. */
export function registerWidgetAdminRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Before validation, not after: an agent is refused whatever the body, and learns nothing from its errors.
  const preValidation = [app.authenticate, requireAdmin("change the widgets' settings")];

  api.get(
    '/api/widgets',
    {
      config: { scope: 'widgets:write', example: { response: widgetAdminListExample } },
      preValidation,
      schema: { response: { 200: widgetAdminListSchema } },
    },
    async function listWidgetsRoute(request) {
      return { widgets: await listAdminWidgets(app.db, organizationIdOf(request), app.config.botReplyTiming) };
    },
  );

  api.patch(
    '/api/widgets/:widgetId',
    {
      config: { scope: 'widgets:write', example: { body: widgetAdminUpdateExample, response: widgetAdminUpdatedExample } },
      preValidation,
      schema: { params: widgetIdParamsSchema, body: widgetAdminUpdateSchema, response: { 200: widgetAdminSchema } },
    },
    async function updateWidgetRoute(request) {
      return updateAdminWidget(app.db, organizationIdOf(request), request.params.widgetId, request.body, app.config.botReplyTiming);
    },
  );
}
