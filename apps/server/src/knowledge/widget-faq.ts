/**
 * Widgets used to carry a FAQ of their own in their settings: the offline answerer replied from it, uncited, and the
 * console's knowledge-base page didn't show it. The bot now answers from the knowledge base alone, so a widget's FAQ
 * becomes an ordinary knowledge-base document (format `faq`, one passage per question, source key
 * `widget-faq/<public key>.jsonl`) and leaves the widget's settings. Run at start-up; idempotent, so a process that
 * dies half-way, or two processes starting together, leave the same result (an unchanged re-import is a no-op).
 * @module
 */
import { widgets, type Database } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { importDocument } from './import-document.js';

// What the settings held: a question and an answer per entry. An entry that isn't one is dropped, not imported.
const entrySchema = z.object({ question: z.string().trim().min(1), answer: z.string().trim().min(1) });

/** Moves every widget's settings FAQ into its organization's knowledge base; returns how many widgets had one. */
export async function moveWidgetFaqsToKnowledgeBase(db: Database, log: FastifyBaseLogger): Promise<number> {
  const rows = await db
    .select({
      id: widgets.id,
      organizationId: widgets.organizationId,
      name: widgets.name,
      publicKey: widgets.publicKey,
      faq: sql<unknown>`${widgets.settings} -> 'faq'`,
    })
    .from(widgets)
    .where(sql`${widgets.settings} ? 'faq'`);
  let moved = 0;
  for (const widget of rows) {
    const entries = (Array.isArray(widget.faq) ? widget.faq : []).flatMap((entry) => {
      const parsed = entrySchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
    if (entries.length > 0) {
      const outcome = await importDocument(db, {
        organizationId: widget.organizationId,
        sourceKey: `widget-faq/${widget.publicKey}.jsonl`,
        format: 'faq',
        title: `FAQ (${widget.name})`,
        content: entries.map((entry) => JSON.stringify(entry)).join('\n'),
      });
      log.info(
        { widgetId: widget.id, documentId: outcome.documentId, questions: entries.length },
        'widget FAQ moved to the knowledge base',
      );
      moved++;
    }
    await db
      .update(widgets)
      .set({ settings: sql`${widgets.settings} - 'faq'` })
      .where(eq(widgets.id, widget.id));
  }
  return moved;
}
