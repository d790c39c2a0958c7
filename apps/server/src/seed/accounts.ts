import { randomBytes } from 'node:crypto';
import { memberships, organizations, users, widgets, type Database } from '@parley/db';
import { widgetSettingsSchema, type Role, type WidgetSettings } from '@parley/protocol';
import { hashPassword } from '../auth/passwords.js';
import { botConfigSchema, type BotConfig } from '../widgets/bot-config.js';
import { routingConfigSchema, type RoutingConfig } from '../widgets/routing-config.js';

/** Creates an organization. */
export async function createOrganization(db: Database, name: string) {
  const [row] = await db.insert(organizations).values({ name }).returning();
  return row!;
}

/** Creates a widget; without a `publicKey` a random `pk_…` key is made. Settings are validated with the protocol schema. */
export async function createWidget(
  db: Database,
  input: {
    organizationId: string;
    name: string;
    publicKey?: string;
    allowedOrigins: string[];
    settings?: Partial<WidgetSettings>;
    bot?: Partial<BotConfig>;
    routing?: Partial<RoutingConfig>;
  },
) {
  const [row] = await db
    .insert(widgets)
    .values({
      organizationId: input.organizationId,
      name: input.name,
      publicKey: input.publicKey ?? `pk_${randomBytes(16).toString('base64url')}`,
      allowedOrigins: input.allowedOrigins,
      settings: widgetSettingsSchema.parse(input.settings ?? {}),
      bot: botConfigSchema.parse(input.bot ?? {}),
      routing: routingConfigSchema.parse(input.routing ?? {}),
    })
    .returning();
  return row!;
}

/** Creates a user with an argon2id password hash and makes them a member of the organization. */
export async function createAgent(
  db: Database,
  input: { organizationId: string; email: string; name: string; password: string; role: Role },
) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [user] = await tx.insert(users).values({ email: input.email, name: input.name, passwordHash }).returning();
    await tx.insert(memberships).values({ userId: user!.id, organizationId: input.organizationId, role: input.role });
    return user!;
  });
}

/** A password that is easy to copy from a terminal: 16 URL-safe characters, 96 bits. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
