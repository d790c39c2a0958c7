import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { botProfiles } from './bot-profiles.js';
import { organizations } from './organizations.js';

/**
 * A chat widget a site embeds. `publicKey` is what the script tag carries; `allowedOrigins` lists the sites that may
 * use it. `settings` holds display settings, validated with `widgetSettingsSchema` from `@parley/protocol`.
 */
export const widgets = pgTable(
  'widgets',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    publicKey: text().notNull().unique(),
    allowedOrigins: text().array().notNull().default([]),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The bot's configuration (model, prompt parts, limits), validated by the server's `botConfigSchema`. */
    bot: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The bot profile its conversations get, unless their team has one; null: the settings in `bot`. */
    botProfileId: uuid().references(() => botProfiles.id, { onDelete: 'set null' }),
    /** How queued conversations reach agents (the strategy), validated by the server's `routingConfigSchema`. */
    routing: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId)],
);
