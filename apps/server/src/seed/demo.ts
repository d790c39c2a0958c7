import { fileURLToPath } from 'node:url';
import { botActions, isUniqueViolation, knowledgeDocuments, users, widgets, type Database } from '@parley/db';
import { botActionCreateSchema } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import { createBotAction } from '../actions/service.js';
import { createSecretBox } from '../plugins/sealed-secrets.js';
import { collectFiles, importFiles } from '../knowledge/import-files.js';
import { hashPassword } from '../auth/passwords.js';
import { createAgent, createOrganization, createWidget, generatePassword } from './accounts.js';

/** The public key of the demo widget, used by the demo page at `/`. Public keys are not secrets. */
export const DEMO_WIDGET_KEY = 'pk_demo_harbor_and_pine';
/** The demo agent's e-mail address. */
export const DEMO_AGENT_EMAIL = 'agent@harborandpine.example';

/** The demo shop's knowledge base (shipping, returns, refunds, payment, account, care, repairs, FAQ), written for Parley. */
export const demoKnowledgeDir = fileURLToPath(new URL('../../demo-knowledge', import.meta.url));

/** Where the demo shop's help articles would live; `.example` is reserved, so the links go nowhere real. */
const DEMO_HELP_CENTER = 'https://harborandpine.example/help/';

/** What {@link seedDemo} did. The password is only known when the agent was created or reset just now. */
export type DemoSeedResult =
  | { created: true; email: string; password: string }
  | { created: false; email: string; password: string | null };

/**
 * Creates the demo organization (a fictional shop), its widget and an agent account, once. Running it again changes
 * nothing unless `resetPassword` is set, which gives the demo agent a new password.
 */
export async function seedDemo(
  db: Database,
  options: {
    origins: string[];
    /** Where this server answers (`http://localhost:3000`): the demo's actions call its order endpoint there. */
    baseUrl: string;
    /** The app's secret, which actions' secrets are sealed under (the demo's have none). */
    secret: string;
    resetPassword?: boolean;
  },
): Promise<DemoSeedResult> {
  const [existing] = await db
    .select({ id: widgets.id, organizationId: widgets.organizationId })
    .from(widgets)
    .where(eq(widgets.publicKey, DEMO_WIDGET_KEY));
  if (existing) {
    // Demo data made before the knowledge base existed gets it; so does a demo whose documents were all deleted (an
    // admin who deletes only some keeps that choice).
    await seedDemoKnowledge(db, existing.organizationId, { onlyIfEmpty: true });
    await seedDemoActions(db, existing.organizationId, options);
    if (!options.resetPassword) return { created: false, email: DEMO_AGENT_EMAIL, password: null };
    const password = generatePassword();
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(sql`lower(${users.email}) = ${DEMO_AGENT_EMAIL}`);
    return { created: false, email: DEMO_AGENT_EMAIL, password };
  }
  const password = generatePassword();
  let organizationId: string;
  try {
    // One transaction: a failed seed leaves nothing behind, and a second process seeding at the same moment loses
    // on the unique widget key instead of creating a second demo organization.
    await db.transaction(async (tx) => {
      const organization = await createOrganization(tx, 'Harbor & Pine (demo)');
      organizationId = organization.id;
      await createWidget(tx, {
        organizationId: organization.id,
        name: 'Website chat',
        publicKey: DEMO_WIDGET_KEY,
        allowedOrigins: options.origins,
        settings: {
          title: 'Harbor & Pine support',
          greeting: 'Hi! Questions about an order, shipping or returns? We usually answer within a few minutes.',
          accentColor: '#1f6f5c',
          botName: 'Pine (assistant)',
          defaultCountry: 'US',
        },
        bot: {
          persona:
            'You are Pine, the support assistant of Harbor & Pine, a small online shop for outdoor gear (tents, packs, rain shells).',
          businessFacts: 'Support hours: Monday to Friday, 9:00–17:00 Pacific. Free shipping on orders over $75 within the US.',
        },
      });
      await createAgent(tx, {
        organizationId: organization.id,
        email: DEMO_AGENT_EMAIL,
        name: 'Robin (demo agent)',
        password,
        role: 'owner',
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { created: false, email: DEMO_AGENT_EMAIL, password: null };
    throw error;
  }
  await seedDemoKnowledge(db, organizationId!, { onlyIfEmpty: false });
  await seedDemoActions(db, organizationId!, options);
  return { created: true, email: DEMO_AGENT_EMAIL, password };
}

async function seedDemoKnowledge(db: Database, organizationId: string, options: { onlyIfEmpty: boolean }) {
  if (options.onlyIfEmpty) {
    const [document] = await db
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(eq(knowledgeDocuments.organizationId, organizationId))
      .limit(1);
    if (document) return;
  }
  const { files } = await collectFiles([demoKnowledgeDir]);
  const summary = await importFiles(db, organizationId, files, { baseUrl: DEMO_HELP_CENTER });
  if (summary.failed.length > 0) throw new Error(`The demo knowledge base did not import: ${JSON.stringify(summary.failed)}`);
}

/**
 * The demo shop's actions, calling its order endpoint (`demo-orders.ts`): `lookup_order`, which the bot calls on its
 * own, and `refund_order`, which waits for an agent's approval. Each is created once: one an admin deleted is not
 * created again, nor one that exists (demo data made before the actions existed gets them).
 */
async function seedDemoActions(db: Database, organizationId: string, options: { baseUrl: string; secret: string }) {
  const [seeded] = await db
    .select({ id: botActions.id })
    .from(botActions)
    .where(and(eq(botActions.organizationId, organizationId), sql`${botActions.name} in ('lookup_order', 'refund_order')`))
    .limit(1);
  if (seeded) return;
  const box = createSecretBox(options.secret, 'bot-action-secret');
  const base = options.baseUrl.replace(/\/+$/, '');
  const orderNumber = { type: 'string', pattern: '^[0-9]{3,10}$', description: 'The order number, such as 1001.' };
  await createBotAction(
    db,
    box,
    organizationId,
    botActionCreateSchema.parse({
      name: 'lookup_order',
      description:
        "Looks up an order by its number: its status, items, carrier, tracking number and delivery date. Use it when a visitor asks where their order is or what's in it.",
      method: 'GET',
      url: `${base}/demo/orders/{{order_number}}`,
      inputSchema: { type: 'object', properties: { order_number: orderNumber }, required: ['order_number'] },
    }),
  );
  await createBotAction(
    db,
    box,
    organizationId,
    botActionCreateSchema.parse({
      name: 'refund_order',
      description:
        'Refunds an amount (in USD) on an order, for an item returned or damaged. A person from the team approves each refund before it runs.',
      method: 'POST',
      url: `${base}/demo/orders/{{order_number}}/refund`,
      policy: 'approve',
      confirmationText: 'Refund {{amount}} USD on order {{order_number}}',
      inputSchema: {
        type: 'object',
        properties: {
          order_number: orderNumber,
          amount: { type: 'number', exclusiveMinimum: 0, maximum: 1000, description: 'The amount to refund, in USD.' },
          reason: { type: 'string', maxLength: 500, description: "Why, in the visitor's words." },
        },
        required: ['order_number', 'amount'],
      },
      responseFields: ['refunded', 'currency', 'reference'],
    }),
  );
}
