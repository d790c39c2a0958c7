/**
 * `/api/knowledge/settings`: the organization's knowledge-base language, which decides how its documents and the
 * visitors' questions are split into words and stemmed, and which dictionary tells a typo from a word.
 * @module
 */
import { z } from 'zod';

/** Answer of `GET` and `PATCH /api/knowledge/settings`. */
export const knowledgeSettingsSchema = z.object({
  /** A Postgres text-search configuration: `english`, `german`, `french`, …, or `simple` (no stemming, no stop words). */
  language: z.string(),
  /** The languages this database can index, alphabetically. */
  languages: z.array(z.string()),
  /**
   * Documents still indexed in another language: after a change they are re-indexed in the background, a document at
   * a time (search serves each in the language it is indexed in until then). 0 when all are current.
   */
  documentsToReindex: z.number().int().nonnegative(),
});
/** The organization's knowledge-base settings. */
export type KnowledgeSettings = z.infer<typeof knowledgeSettingsSchema>;

/** Body of `PATCH /api/knowledge/settings` (admins). */
export const knowledgeSettingsPatchSchema = z.strictObject({
  language: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z_]+$/, 'A text-search configuration name, such as english or simple.'),
});
/** Body of `PATCH /api/knowledge/settings`. */
export type KnowledgeSettingsPatch = z.infer<typeof knowledgeSettingsPatchSchema>;
