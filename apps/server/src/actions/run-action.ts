/**
 * Calls one HTTP action with the model's input: checks the input against the action's schema, renders the request
 * (inputs in the address URL-encoded, the others in the query or the JSON body; secrets only in headers), sends it
 * through the outbound guard (no private addresses unless the operator allows them, no redirects, its timeout), and
 * gives back what the model may see: the status and the response fields the admin listed. Never throws for the
 * action's own failures: they come back as an error the model reads, which names neither secrets nor addresses.
 * @module
 */
import type { botActions } from '@parley/db';
import { OutboundRequestError, type OutboundFetch } from '../plugins/outbound.js';
import type { SecretBox } from '../plugins/sealed-secrets.js';
import { compileInputSchema, describeInputErrors } from './input-schema.js';
import { forModel, pickFields } from './response-fields.js';
import { openSecrets } from './secrets.js';
import { inputsUsed, renderHeader, renderUrl, UnsafeUrlInputError } from './template.js';

type ActionRow = typeof botActions.$inferSelect;

/** Largest response read from an action. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** What running an action needs: the guarded fetch and the box its secrets are sealed in. */
export interface ActionRunner {
  fetch: OutboundFetch;
  secrets: SecretBox;
}

/** The outcome for the model: what the service answered, or why there is no answer. */
export type ActionResult = { ok: true; output: { status: number; data: unknown } } | { ok: false; error: string };

/** Runs `action` with `input`. */
export async function runAction(runner: ActionRunner, action: ActionRow, input: unknown, signal?: AbortSignal): Promise<ActionResult> {
  const compiled = compileInputSchema(action.inputSchema);
  if (!compiled.ok) return { ok: false, error: 'This action is misconfigured; tell the visitor it is unavailable.' };
  if (!compiled.validate(input)) return { ok: false, error: `Invalid input: ${describeInputErrors(compiled.validate.errors)}` };
  const fields = (input ?? {}) as Record<string, unknown>;

  const secrets = openSecrets(runner.secrets, action.secrets);
  // Sealed under another PARLEY_SECRET: an admin must enter them again.
  if (!secrets) return { ok: false, error: 'This action is misconfigured; tell the visitor it is unavailable.' };
  const used = inputsUsed([action.url, ...Object.values(action.headers)]);
  // Only the fields the schema declares go on: a model can't add a parameter the admin never offered (a schema that
  // allows others still validates them, and they stay here).
  const declared = Object.keys((action.inputSchema.properties as Record<string, unknown> | undefined) ?? {});
  const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => declared.includes(name) && !used.has(name)));
  let url: URL;
  try {
    url = new URL(renderUrl(action.url, fields));
  } catch (error) {
    if (error instanceof UnsafeUrlInputError) return { ok: false, error: `Invalid input: ${error.message}` };
    return { ok: false, error: 'This action is misconfigured; tell the visitor it is unavailable.' };
  }
  // Lower-case names, so that an admin's Content-Type replaces the default one instead of doubling it.
  const headers: Record<string, string> = { accept: 'application/json' };
  if (action.method !== 'GET' && action.method !== 'DELETE') headers['content-type'] = 'application/json';
  for (const [name, template] of Object.entries(action.headers)) headers[name.toLowerCase()] = renderHeader(template, fields, secrets);
  let body: string | undefined;
  if (action.method === 'GET' || action.method === 'DELETE') {
    for (const [name, value] of Object.entries(rest)) {
      // The admin's own query parameters stay as written.
      if (!url.searchParams.has(name)) url.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
  } else {
    body = JSON.stringify(rest);
  }

  try {
    const response = await runner.fetch(url, {
      method: action.method,
      headers,
      body,
      signal,
      timeoutMs: action.timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      allowHttpErrors: true,
    });
    const text = response.text();
    let data: unknown = text;
    try {
      data = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: the text itself, cut like the rest.
    }
    const shown = response.status >= 400 || typeof data !== 'object' ? data : pickFields(data, action.responseFields);
    return { ok: true, output: { status: response.status, data: forModel(shown) } };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { ok: false, error: failureMessage(error) };
  }
}

/** Why the call failed, in words for the model: never the address, the headers or a secret. */
function failureMessage(error: unknown): string {
  if (error instanceof OutboundRequestError) {
    if (error.reason === 'timeout') return 'The service did not answer in time. Tell the visitor, and offer a person.';
    if (error.reason === 'blocked_address') return 'This action may not reach its address. Tell the visitor it is unavailable.';
    if (error.reason === 'too_large') return 'The service answered with too much data. Tell the visitor it is unavailable.';
    if (error.reason === 'too_many_redirects')
      return 'The service redirected elsewhere, which actions never follow. Tell the visitor it is unavailable.';
  }
  return 'The service could not be reached. Tell the visitor, and offer a person.';
}
