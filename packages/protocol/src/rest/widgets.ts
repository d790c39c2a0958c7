/**
 * `/api/widgets` routes: what a page needs to draw a widget before it connects.
 * @module
 */
import { z } from 'zod';
import { widgetSettingsSchema } from '../models.js';

/**
 * Path parameters of `/api/widgets/:publicKey/…`: a widget's public key as the script tag carries it (`pk_…`). Keys
 * are made of URL-safe letters, so anything else is refused before a lookup.
 */
export const widgetKeyParamsSchema = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'Expected a widget key: letters, digits, "-" and "_".'),
});

/**
 * Answer of `GET /api/widgets/:publicKey/settings`: the widget's settings that any visitor may see (how it looks and
 * greets). The bot's FAQ and the default country stay out: the widget does not need them before a conversation.
 */
export const widgetPublicSettingsSchema = widgetSettingsSchema.pick({
  title: true,
  greeting: true,
  accentColor: true,
  position: true,
  locale: true,
  botName: true,
});
/** Answer of `GET /api/widgets/:publicKey/settings`. */
export type WidgetPublicSettings = z.infer<typeof widgetPublicSettingsSchema>;
