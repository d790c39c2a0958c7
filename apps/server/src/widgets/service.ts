import { widgets, type Database } from '@parley/db';
import { widgetSettingsSchema, type Topic, type WidgetSettings } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import { botConfigSchema } from './bot-config.js';
import { routingConfigSchema } from './routing-config.js';

/** A widget as the server uses it. */
export interface Widget {
  id: string;
  organizationId: string;
  allowedOrigins: string[];
  settings: WidgetSettings;
  /** Whether the bot answers new conversations first. */
  botEnabled: boolean;
  /** What a visitor may pick before their first message (their teams stay on the server). */
  topics: Topic[];
  /** The team its routing sends conversations to (null: any agent of the organization). */
  teamId: string | null;
}

/** Finds a widget by its public key. Settings are validated on the way out, so a bad row can't reach a browser. */
export async function findWidgetByKey(db: Database, publicKey: string): Promise<Widget | undefined> {
  const [row] = await db.select().from(widgets).where(eq(widgets.publicKey, publicKey));
  if (!row) return undefined;
  const routing = routingConfigSchema.parse(row.routing);
  return {
    id: row.id,
    organizationId: row.organizationId,
    allowedOrigins: row.allowedOrigins,
    settings: widgetSettingsSchema.parse(row.settings),
    botEnabled: botConfigSchema.parse(row.bot).enabled,
    topics: routing.topics.map(({ id, label }) => ({ id, label })),
    teamId: routing.teamId,
  };
}

const LOCALHOST_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether a page at `origin` may use the widget. Origins compare exactly (scheme, host and port). With
 * `allowLocalhost` (development), any http(s)://localhost origin is accepted too. A missing origin is refused:
 * browsers always send one, so only scripts omit it.
 */
export function isOriginAllowed(origin: string | undefined, allowedOrigins: string[], allowLocalhost: boolean): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowLocalhost && (url.protocol === 'http:' || url.protocol === 'https:') && LOCALHOST_HOSTNAMES.has(url.hostname)) {
    return true;
  }
  return allowedOrigins.some((allowed) => allowed === url.origin);
}
