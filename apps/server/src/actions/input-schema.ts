/**
 * An action's input schema (JSON Schema, as admins write it and the model reads it), compiled with Ajv to check the
 * model's input before any request is made. Compiled validators are kept per schema text.
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Unknown keywords (`examples`, vendor ones) are allowed: models read schemas written for other tools too. One instance
// serves every organization, so no schema is registered in it by its `$id` (a `$ref` to another schema can't resolve,
// and two schemas with one `$id` don't collide).
const ajv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false });
// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
addFormats(ajv);

const compiled = new Map<string, { validate: ValidateFunction; schema: Record<string, unknown> }>();
/** Schemas compiled at most; past it the oldest is forgotten (an organization editing actions all day compiles anew). */
const MAX_COMPILED = 500;

/** The schema compiled, or why it doesn't compile. */
export function compileInputSchema(
  schema: Record<string, unknown>,
): { ok: true; validate: ValidateFunction } | { ok: false; error: string } {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return { ok: true, validate: known.validate };
  try {
    const validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) {
      const [oldestKey, oldest] = compiled.entries().next().value!;
      compiled.delete(oldestKey);
      // Ajv keeps what it compiled by the schema object: forgotten there too, or memory grows with every edit.
      ajv.removeSchema(oldest.schema);
    }
    compiled.set(key, { validate, schema });
    return { ok: true, validate };
  } catch (error) {
    return { ok: false, error: `The input schema is not valid JSON Schema: ${(error as Error).message}` };
  }
}

/** Ajv's errors as `path: message` lines the model can act on. */
export function describeInputErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((error) => `${error.instancePath.slice(1).replaceAll('/', '.') || 'input'}: ${error.message ?? 'is invalid'}`)
    .join('; ');
}
