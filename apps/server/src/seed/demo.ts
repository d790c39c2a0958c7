import { fileURLToPath } from 'node:url';
import { isUniqueViolation, knowledgeDocuments, users, widgets, type Database } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
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
export async function seedDemo(db: Database, options: { origins: string[]; resetPassword?: boolean }): Promise<DemoSeedResult> {
  const [existing] = await db
    .select({ id: widgets.id, organizationId: widgets.organizationId })
    .from(widgets)
    .where(eq(widgets.publicKey, DEMO_WIDGET_KEY));
  if (existing) {
    // Demo data made before the knowledge base existed gets it; so does a demo whose documents were all deleted (an
    // admin who deletes only some keeps that choice).
    await seedDemoKnowledge(db, existing.organizationId, { onlyIfEmpty: true });
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
