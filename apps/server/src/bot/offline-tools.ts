/**
 * The offline answerer's use of actions, deterministic like the rest of it: it calls an action when the visitor's
 * message gives every input the action requires (a string with a `pattern` in its input schema, such as an order number,
 * or a number) and shares a word with the action's name or description; it then answers with what the action returned, as
 * a list of its fields. So "where is my order 1001?" works without a model, and a shop's actions can be tried before
 * a key is set.
 * @module
 */
import type { ContentBlock, ToolSpec } from './model.js';
import { keywords } from './keywords.js';
import type { OfflinePhrases } from './offline-phrases.js';

/** At most this many fields of an action's output are listed. */
const MAX_FIELDS = 12;

/** A call the offline answerer makes. */
export interface OfflineToolCall {
  name: string;
  input: Record<string, string | number>;
}

/**
 * The action to call for `text`, with its inputs taken from the text; null when no action's required inputs are all in
 * it. Among several, the one whose name and description share the most words with the text (the first on a tie).
 */
export function offlineToolCall(text: string, tools: readonly ToolSpec[]): OfflineToolCall | null {
  const tokens = text.match(/[\p{L}\p{N}_-]+/gu) ?? [];
  let best: (OfflineToolCall & { overlap: number }) | null = null;
  for (const tool of tools) {
    const input = inputsFrom(tool.inputSchema, text, tokens);
    if (!input) continue;
    const values = new Set(Object.values(input).map((value) => String(value).toLowerCase()));
    const said = [...keywords(text)].filter((word) => !values.has(word));
    const about = keywords(`${tool.name.replace(/_/g, ' ')} ${tool.description}`);
    const overlap = said.filter((word) => about.has(word)).length;
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { name: tool.name, input, overlap };
  }
  return best ? { name: best.name, input: best.input } : null;
}

/**
 * Each required input of `schema` from the text: a string from the first token its `pattern` matches whole, then a
 * number from the first number of the text that no string took. Null if one has none, or is of another kind.
 */
function inputsFrom(schema: Record<string, unknown>, text: string, tokens: readonly string[]): Record<string, string | number> | null {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown; pattern?: unknown }>;
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]) : [];
  if (required.length === 0 || !required.every((name) => typeof name === 'string')) return null;
  const input: Record<string, string | number> = {};
  for (const name of required as string[]) {
    const property = properties[name];
    if (property?.type === 'number' || property?.type === 'integer') continue;
    if (property?.type !== 'string' || typeof property.pattern !== 'string') return null;
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${property.pattern})$`, 'u');
    } catch {
      return null;
    }
    const token = tokens.find((candidate) => pattern.test(candidate));
    if (token === undefined) return null;
    input[name] = token;
  }
  // Numbers only from the words no string took: the digits of an order number "AB1234" are not an amount.
  const rest = Object.values(input).reduce<string>((remaining, taken) => remaining.split(String(taken)).join(' '), text);
  const numbers = rest.match(/\d+(?:[.,]\d+)?/g) ?? [];
  for (const name of required as string[]) {
    const type = properties[name]?.type;
    if (type !== 'number' && type !== 'integer') continue;
    const index = numbers.findIndex((number) => type === 'number' || /^\d+$/.test(number));
    if (index === -1) return null;
    input[name] = Number(numbers.splice(index, 1)[0]!.replace(',', '.'));
  }
  return input;
}

/**
 * The answer to an action's result: its fields as a list. An HTTP action's result (`{ status, data }`) is read for its
 * data, and an error status is a failure, said with the service's own message when it has one; a failure of the call
 * itself (Parley's words, written for a model) is said in the answerer's words only. A failure ends with the offer of
 * a person. `results` are the round's tool results; the answerer makes one call at a time, so there is one.
 */
export function toolResultAnswer(
  results: readonly Extract<ContentBlock, { type: 'tool_result' }>[],
  phrases: OfflinePhrases,
): { text: string; failed: boolean } {
  const result = results.at(-1)!;
  const failed = (detail: string | null) => ({
    text: [phrases.toolFailed, detail, phrases.offerPerson].filter(Boolean).join(' '),
    failed: true,
  });
  if (result.is_error) return failed(null);
  let output: unknown = parseJson(result.content);
  // An MCP tool's text is often JSON itself.
  if (typeof output === 'string') output = parseJson(output);
  if (isHttpResult(output)) {
    if (output.status >= 400) return failed(messageOf(output.data));
    output = output.data;
  }
  if (typeof output !== 'object' || output === null || Array.isArray(output)) {
    return { text: `${phrases.toolResult} ${formatValue(output)}`, failed: false };
  }
  const lines = Object.entries(output)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .slice(0, MAX_FIELDS)
    .map(([key, value]) => `- ${label(key)}: ${formatValue(value)}`);
  return { text: [phrases.toolResult, ...lines].join('\n'), failed: false };
}

/** `text` parsed as JSON, or `text` itself when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isHttpResult(output: unknown): output is { status: number; data: unknown } {
  return typeof output === 'object' && output !== null && typeof (output as { status?: unknown }).status === 'number' && 'data' in output;
}

/** A service's error message: the text it answered, or its `message`, `error` or `error.message`; null without one. */
function messageOf(data: unknown): string | null {
  const candidates = [
    data,
    (data as { message?: unknown })?.message,
    (data as { error?: unknown })?.error,
    (data as { error?: { message?: unknown } })?.error?.message,
  ];
  const found = candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '');
  return found ? found.trim().slice(0, 300) : null;
}

/** `estimatedDelivery`, `tracking_number` → "Estimated delivery", "Tracking number". */
function label(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return value.join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
