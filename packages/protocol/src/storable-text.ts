/**
 * The schema of short text people type, shared by the models and the settings that hold such text.
 * @module
 */
import { z } from 'zod';

/**
 * Short text people type besides messages (a team's name, a note for another agent), trimmed and at most `maxLength`
 * characters: well-formed UTF-16 and without NUL, so that Postgres stores it and gives it back unchanged.
 */
export function storableTextSchema(maxLength: number) {
  return z
    .string()
    .trim()
    .max(maxLength, `At most ${maxLength} characters.`)
    .refine((text) => text.isWellFormed(), 'Text contains an unpaired surrogate.')
    .refine((text) => !text.includes('\u0000'), 'Text contains a NUL character.');
}
