/**
 * An organization's enabled HTTP actions as bot tools, loaded for each turn: the model sees each one's name,
 * description and JSON Schema; a call checks the input, then (for an action that needs it) that the visitor's identity
 * was verified, then runs the action (`actions/run-action.ts`). What the action answers goes back to the model as data,
 * never as instructions: the system prompt says so, and nothing in it can change which tools exist or their policy.
 * @module
 */
import { contacts, type Database } from '@parley/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { compileInputSchema, describeInputErrors } from '../../actions/input-schema.js';
import { runAction, type ActionRunner } from '../../actions/run-action.js';
import { enabledBotActions } from '../../actions/service.js';
import { toolPause } from './pause.js';
import { defineTool, ToolInputError, type BotTool } from './registry.js';

/** Said to the model when an action needs a verified visitor and this one isn't. */
const NEEDS_VERIFIED_CONTACT =
  "This action needs the visitor to be signed in on the site (a verified identity), and they aren't. Ask them to sign in and write again, or offer a person.";

/** The organization's enabled actions as tools. */
export async function httpActionTools(db: Database, organizationId: string, runner: ActionRunner): Promise<BotTool[]> {
  const rows = await enabledBotActions(db, organizationId);
  return rows.map(
    (action) =>
      defineTool({
        name: action.name,
        description: action.description,
        // Ajv checks the input against the action's schema (before a call pauses, and again in runAction); the model
        // reads that schema as it is.
        input: z.unknown().superRefine((input, context) => {
          const compiled = compileInputSchema(action.inputSchema);
          if (compiled.ok && !compiled.validate(input))
            context.addIssue({ code: 'custom', message: describeInputErrors(compiled.validate.errors) });
        }),
        inputJsonSchema: action.inputSchema,
        kind: 'external',
        idempotent: action.method === 'GET',
        policy: action.policy,
        ...(action.policy === 'auto'
          ? {}
          : {
              pause: toolPause({
                policy: action.policy,
                name: action.name,
                confirmationText: action.confirmationText,
                teamId: action.approverTeamId,
                timeoutSeconds: action.decisionTimeoutSeconds,
              }),
            }),
        async handler(input, context) {
          if (action.requiresVerifiedContact && !(await isVerified(context.db, context.contactId)))
            throw new ToolInputError(NEEDS_VERIFIED_CONTACT);
          const result = await runAction(runner, action, input, context.signal);
          if (!result.ok) throw new ToolInputError(result.error);
          return result.output;
        },
      }) as BotTool,
  );
}

async function isVerified(db: Database, contactId: string): Promise<boolean> {
  const [contact] = await db.select({ verifiedAt: contacts.verifiedAt }).from(contacts).where(eq(contacts.id, contactId));
  return Boolean(contact?.verifiedAt);
}
