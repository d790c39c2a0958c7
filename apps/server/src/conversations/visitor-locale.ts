/**
 * Which language the server writes to a conversation's visitor in: the one place that decides it for the sentences of
 * the chat (the status lines, the offline answerer's sentences and quick reply, the bot's fixed replies when it hands
 * off or apologises, its questions about actions). Not yet for the e-mails to visitors (`handoff/email.ts`, in the
 * widget's locale). The visitor's language is their contact's `language`: what the SDK reported (the language the widget shows
 * them, or the one the page set with `setLocale`; else the browser's), else the first of `Accept-Language`. The server's
 * sentences come in the languages of protocol's `systemEventText`; for any other, the widget's `locale` is used, as
 * the widget itself does when it doesn't speak the visitor's language.
 * @module
 */
import { contacts, widgets, type Database, type Transaction } from '@parley/db';
import { hasSystemEventText, widgetSettingsSchema } from '@parley/protocol';
import { eq } from 'drizzle-orm';

/**
 * The BCP 47 tag to write the visitor's sentences in: the first of the visitor's language and the widget's locale that
 * the server has sentences in (by first subtag), as given, so a regional tag keeps its date format (`pt-BR`); `en` when
 * neither. Null, undefined or empty means not known.
 *
 * @example
 * ```ts
 * visitorLocale('es-MX', 'en') // 'es-MX'
 * visitorLocale('ja', 'de') // 'de'
 * visitorLocale(null, 'ja') // 'en'
 * ```
 */
export function visitorLocale(visitorLanguage: string | null | undefined, widgetLocale: string | null | undefined): string {
  for (const tag of [visitorLanguage, widgetLocale]) if (tag && hasSystemEventText(tag)) return tag;
  return 'en';
}

// Lenient: a stored locale the schema would refuse (or none) counts as none, rather than failing the write it words.
const storedLocaleSchema = widgetSettingsSchema.shape.locale.optional().catch(undefined);

/** The widget's `locale` as stored in its settings; undefined when missing or not valid (jsonb holds whatever was written). */
function storedWidgetLocale(settings: unknown): string | undefined {
  return storedLocaleSchema.parse(
    typeof settings === 'object' && settings !== null ? (settings as { locale?: unknown }).locale : undefined,
  );
}

/** What the server knows of a visitor's language, and the tag it writes to them in. */
export interface VisitorLanguage {
  /** The contact's `language` (BCP 47); null when unknown. */
  visitorLanguage: string | null;
  /** The widget's `locale`; undefined when its settings have none valid. */
  widgetLocale: string | undefined;
  /** The tag to write the visitor's sentences in ({@link visitorLocale}). */
  locale: string;
}

/**
 * The language of `conversation`'s visitor and the tag to write to them in, read in one select (the contact's
 * `language` and the widget's `locale`, as they are now: a `language:set` since the conversation began counts).
 */
export async function visitorLanguageOf(
  db: Database | Transaction,
  conversation: { contactId: string; widgetId: string },
): Promise<VisitorLanguage> {
  const [row] = await db
    .select({ settings: widgets.settings, visitorLanguage: contacts.language })
    .from(widgets)
    .leftJoin(contacts, eq(contacts.id, conversation.contactId))
    .where(eq(widgets.id, conversation.widgetId));
  const visitorLanguage = row?.visitorLanguage ?? null;
  const widgetLocale = storedWidgetLocale(row?.settings);
  return { visitorLanguage, widgetLocale, locale: visitorLocale(visitorLanguage, widgetLocale) };
}
