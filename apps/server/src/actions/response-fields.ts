/**
 * What of an action's response the model sees: the fields an admin listed (dotted paths, arrays mapped over), or the
 * whole response, cut at {@link MODEL_OUTPUT_MAX_CHARS} characters either way. Pure.
 * @module
 */

/** The most characters of a response that reach the model. */
export const MODEL_OUTPUT_MAX_CHARS = 4000;

/** The value at `path` in `data`; through an array, the value at the rest of the path in each element. */
function valueAt(data: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return data;
  if (Array.isArray(data)) return data.map((element) => valueAt(element, path));
  if (data === null || typeof data !== 'object') return undefined;
  const [head, ...rest] = path;
  return Object.hasOwn(data, head!) ? valueAt((data as Record<string, unknown>)[head!], rest) : undefined;
}

/** `data` trimmed to `paths` (`{ "shipment.carrier": "UPS" }`); `data` itself when no path is listed. */
export function pickFields(data: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0) return data;
  // Built from entries: a path named `__proto__` is a field like any other, not the object's prototype.
  return Object.fromEntries(
    paths.flatMap((path) => {
      const value = valueAt(data, path.split('.'));
      return value === undefined ? [] : [[path, value]];
    }),
  );
}

/** The JSON the model is given, cut to its limit with a note saying so. */
export function forModel(value: unknown): unknown {
  const json = JSON.stringify(value) ?? 'null';
  if (json.length <= MODEL_OUTPUT_MAX_CHARS) return value;
  return { truncated: true, partial: json.slice(0, MODEL_OUTPUT_MAX_CHARS) };
}
