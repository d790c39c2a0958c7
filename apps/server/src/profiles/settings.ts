/**
 * What a bot profile stores in `bot_profiles.settings`: a widget's bot settings (`widgets.bot`, one schema) without the
 * switch that turns the widget's bot on or off and its triage, which stay the widget's, and with the name visitors see.
 * @module
 */
import { z } from 'zod';
import { botConfigSchema } from '../widgets/bot-config.js';

/** A profile's bot settings, validated on every read; rows written before a field existed get its default. */
export const profileSettingsSchema = botConfigSchema.omit({ enabled: true, triageProfileIds: true }).extend({
  /** The name visitors see; null: the widget's bot name. */
  botName: z.string().min(1).max(80).nullable().default(null),
});
/** A profile's bot settings. */
export type ProfileSettings = z.infer<typeof profileSettingsSchema>;
