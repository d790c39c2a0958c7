import { describe, expect, it } from 'vitest';
import { ParleyError } from '../errors.js';
import { parsePayload } from '../parse.js';
import { languageSetSchema } from './language.js';

/** What `parsePayload` throws for `payload`, as the server's socket handler would answer it. */
function refusal(payload: unknown): ParleyError {
  try {
    parsePayload(languageSetSchema, payload);
  } catch (error) {
    if (ParleyError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(payload)} was accepted`);
}

describe('languageSetSchema', () => {
  it('keeps a language tag in its canonical case', () => {
    expect(languageSetSchema.parse({ language: 'de' })).toEqual({ language: 'de' });
    expect(languageSetSchema.parse({ language: 'pt-br' })).toEqual({ language: 'pt-BR' });
    expect(languageSetSchema.parse({ language: ' es-MX ' })).toEqual({ language: 'es-MX' });
  });

  it('refuses a tag that is not one with invalid_payload, naming the field', () => {
    const error = refusal({ language: 'not a tag' });
    expect(error.code).toBe('invalid_payload');
    expect(error.issues).toEqual([{ path: 'language', message: '"not a tag" is not a language tag such as en or pt-BR.' }]);
  });

  it.each([[{ language: 'x' }], [{ language: 'a'.repeat(36) }], [{ language: 7 }], [{}], [null], ['de']])(
    'refuses %j with invalid_payload',
    (payload) => {
      expect(refusal(payload).code).toBe('invalid_payload');
    },
  );
});
