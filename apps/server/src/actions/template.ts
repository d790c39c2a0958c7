/**
 * The templates of an HTTP action: `{{name}}` stands for a top-level field of the model's input, `{{secrets.NAME}}`
 * for one of the action's secrets (headers only). Pure: rendering and checking, no I/O.
 * @module
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\}\}/g;

/** A placeholder of a template: an input field, or a secret. */
export type Placeholder = { kind: 'input'; name: string } | { kind: 'secret'; name: string };

/** The placeholders of `template`, in order; a dotted one other than `secrets.X` is an error for the caller to report. */
export function placeholdersOf(template: string): Array<Placeholder | { kind: 'invalid'; name: string }> {
  return [...template.matchAll(PLACEHOLDER)].map(([, path]) => {
    const [head, tail] = path!.split('.');
    if (tail === undefined) return { kind: 'input', name: head! };
    return head === 'secrets' ? { kind: 'secret', name: tail } : { kind: 'invalid', name: path! };
  });
}

/** An input value as it goes into a URL or a header: strings as they are, other values as JSON, absent ones empty. */
function asText(input: Record<string, unknown>, name: string): string {
  // Own fields only: a field the model left out must not read `constructor` or `toString` off the prototype.
  const value = Object.hasOwn(input, name) ? input[name] : undefined;
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An input that would change which resource an address names. */
export class UnsafeUrlInputError extends Error {
  override readonly name = 'UnsafeUrlInputError';
}

/**
 * The address, each input URL-encoded where it goes, so that a value can't add a path segment, a query or a host; a
 * value of `.` or `..` (which URL parsing would resolve, moving up the path) is refused with {@link UnsafeUrlInputError}.
 */
export function renderUrl(template: string, input: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const text = asText(input, path);
    if (text === '.' || text === '..') throw new UnsafeUrlInputError(`${path} can't be "${text}".`);
    return encodeURIComponent(text);
  });
}

/**
 * A header's value with inputs and secrets in it. Line breaks are removed from inputs, so that a value can't start
 * another header (fetch would refuse it anyway).
 */
export function renderHeader(template: string, input: Record<string, unknown>, secrets: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const [head, tail] = path.split('.');
    if (tail !== undefined) return head === 'secrets' && Object.hasOwn(secrets, tail!) ? secrets[tail!]! : '';
    return asText(input, path).replace(/[\r\n]+/g, ' ');
  });
}

/**
 * Plain words with inputs in them (a `confirm` or `approve` action's confirmation text): values as they are, on one line;
 * the result is text, shown as text, never HTML.
 */
export function renderText(template: string, input: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => asText(input, path).replace(/[\r\n]+/g, ' '));
}

/** The input fields the address and headers use: the others go in the query (GET, DELETE) or the JSON body. */
export function inputsUsed(templates: readonly string[]): Set<string> {
  return new Set(
    templates.flatMap((template) => placeholdersOf(template).flatMap((found) => (found.kind === 'input' ? [found.name] : []))),
  );
}

/** What a template may name: the input fields, the secrets, and whether secrets may go there at all. */
export interface TemplateScope {
  inputs: readonly string[];
  secrets: readonly string[];
  secretsAllowed: boolean;
  /** Why secrets can't go in this template; by default, the address's reason. */
  secretsRefused?: string;
}

/** Why `template` can't be rendered in `scope`, one sentence per placeholder it can't fill; empty when it can. */
export function templateIssues(template: string, scope: TemplateScope): string[] {
  return placeholdersOf(template).flatMap((found) => {
    if (found.kind === 'invalid') return [`{{${found.name}}} is neither an input field nor secrets.NAME.`];
    if (found.kind === 'input' && !scope.inputs.includes(found.name)) {
      return [
        scope.inputs.length === 0
          ? `{{${found.name}}}: only secrets can go here.`
          : `{{${found.name}}} is not a property of the input schema.`,
      ];
    }
    if (found.kind === 'secret' && !scope.secretsAllowed) {
      return [scope.secretsRefused ?? 'Secrets never go in the address: put them in a header.'];
    }
    if (found.kind === 'secret' && !scope.secrets.includes(found.name)) return [`There is no secret named ${found.name}.`];
    return [];
  });
}
