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
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The address, each input URL-encoded where it goes (a value can't add a path segment, a query or a host). */
export function renderUrl(template: string, input: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => encodeURIComponent(asText(input[path])));
}

/**
 * A header's value with inputs and secrets in it. Line breaks are removed from inputs, so that a value can't start
 * another header (fetch would refuse it anyway).
 */
export function renderHeader(template: string, input: Record<string, unknown>, secrets: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const [head, tail] = path.split('.');
    if (tail !== undefined) return head === 'secrets' ? (secrets[tail] ?? '') : '';
    return asText(input[path]).replace(/[\r\n]+/g, ' ');
  });
}

/** The input fields the address and headers use: the others go in the query (GET, DELETE) or the JSON body. */
export function inputsUsed(templates: readonly string[]): Set<string> {
  return new Set(
    templates.flatMap((template) => placeholdersOf(template).flatMap((found) => (found.kind === 'input' ? [found.name] : []))),
  );
}
