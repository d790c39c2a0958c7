/**
 * `/api/widgets` routes: what a page needs to draw a widget before it connects.
 * @module
 */
import { z } from 'zod';
import { widgetAgentsSchema, widgetSettingsSchema } from '../models.js';

/**
 * Path parameters of `/api/widgets/:publicKey/…`: a widget's public key as the script tag carries it (`pk_…`). Keys
 * are made of URL-safe letters, so anything else is refused before a lookup.
 */
export const widgetKeyParamsSchema = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'Expected a widget key: letters, digits, "-" and "_".'),
});

/**
 * Answer of `GET /api/widgets/:publicKey/settings`: the widget's settings that any visitor may see (how it looks and
 * greets). The bot's FAQ, the default country and the `showAgents` switch stay out: the widget does not need them before a conversation.
 */
export const widgetPublicSettingsSchema = widgetSettingsSchema
  .pick({
    title: true,
    greeting: true,
    accentColor: true,
    position: true,
    theme: true,
    launcherLabel: true,
    offsetX: true,
    offsetY: true,
    teamName: true,
    sound: true,
    locale: true,
    botName: true,
    preChat: true,
    proactive: true,
  })
  .extend({
    /** With `showAgents` on: up to three agents who may answer, online ones first, by first name. Absent otherwise. */
    agents: widgetAgentsSchema.optional(),
  });
/** Answer of `GET /api/widgets/:publicKey/settings`. */
export type WidgetPublicSettings = z.infer<typeof widgetPublicSettingsSchema>;
