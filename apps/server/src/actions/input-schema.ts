/**
 * An action's input schema (JSON Schema, as admins write it and the model reads it), compiled with Ajv to check the
 * model's input before any request is made. Compiled validators are kept per schema text.
 * @module
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// Unknown keywords (`examples`, vendor ones) are allowed: models read schemas written for other tools too.
const ajv = new Ajv({ allErrors: true, strict: false });
// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();
/** Schemas compiled at most; past it the oldest is forgotten (an organization editing actions all day compiles anew). */
const MAX_COMPILED = 500;

/** The schema compiled, or why it doesn't compile. */
export function compileInputSchema(
  schema: Record<string, unknown>,
): { ok: true; validate: ValidateFunction } | { ok: false; error: string } {
  const key = JSON.stringify(schema);
  const known = compiled.get(key);
  if (known) return { ok: true, validate: known };
  try {
    const validate = ajv.compile(schema);
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
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
