/**
 * The rules that hand a conversation from the bot to a person, as pure functions over what was said: the visitor asks
 * for one ({@link asksForHuman}), the visitor says the answers didn't help ({@link saysNotHelpful}, counted by
 * {@link notHelpfulCount}), and the bot keeps replying without a knowledge-base source ({@link repliesWithoutSource}).
 * The phrase rules run before any model call, so they work even when the model is down or no API key is configured.
 * Which of them are on, and their thresholds, is the widget's `handoff` bot configuration. When the model provider
 * fails, {@link describeFailure} says how, for the handoff's reason.
 * @module
 */
import type { Message } from '@parley/protocol';

// Phrases per language, compared without case and accents, on word boundaries. English is always checked: visitors
// often fall back to it.
const humanPhrasesByLanguage: Record<string, string[]> = {
  en: [
    'human',
    'a person',
    'real person',
    'talk to someone',
    'speak to someone',
    'agent',
    'representative',
    'operator',
    'customer service',
    'live chat',
    'staff',
  ],
  de: ['mensch', 'mitarbeiter', 'mitarbeiterin', 'echte person', 'berater', 'kundendienst'],
  fr: ['humain', 'une personne', 'conseiller', 'conseillere', 'agent', 'quelqu un'],
  es: ['humano', 'una persona', 'agente', 'asesor', 'representante'],
  it: ['umano', 'una persona', 'operatore', 'assistente umano'],
  pt: ['humano', 'uma pessoa', 'atendente', 'agente'],
  nl: ['mens', 'medewerker', 'echte persoon'],
  // Hamzas and short vowels are dropped like accents: "إنسان" and "انسان" are one word.
  ar: ['موظف', 'موظفة', 'أحد الموظفين', 'إنسان', 'شخص حقيقي', 'التحدث إلى شخص', 'التحدث مع شخص', 'خدمة العملاء'],
};

// "That didn't help", per language, normalized like the visitor's text: apostrophes (straight or curly) and other
// punctuation become spaces, so "didn't" and "didn’t" are both "didn t"; accents are dropped, so "aidé" is "aide".
const notHelpfulPhrasesByLanguage: Record<string, string[]> = {
  en: [
    "that didn't help",
    "didn't help",
    'did not help',
    "doesn't help",
    'does not help',
    'not helpful',
    "wasn't helpful",
    "isn't helpful",
    'unhelpful',
    "that's not what I asked",
    'not what i asked',
    'useless',
    'that is wrong',
    "that's wrong",
  ],
  de: [
    'hat nicht geholfen',
    'nicht geholfen',
    'hilft nicht',
    'hilft mir nicht',
    'nicht hilfreich',
    'bringt nichts',
    'nutzlos',
    'unbrauchbar',
    'das ist falsch',
    'nicht das was ich gefragt habe',
  ],
  fr: [
    "ça ne m'a pas aidé",
    "ne m'a pas aidé",
    "ne m'a pas aidée",
    "ça n'aide pas",
    'pas utile',
    'ça ne sert à rien',
    'inutile',
    "c'est faux",
    "ce n'est pas ce que j'ai demandé",
    "pas ce que j'ai demandé",
  ],
  es: [
    'no me ayudó',
    'no ayudó',
    'no me ayuda',
    'no ayuda',
    'no es útil',
    'no sirve',
    'inútil',
    'eso está mal',
    'es incorrecto',
    'no es lo que pregunté',
  ],
  it: [
    'non mi ha aiutato',
    'non ha aiutato',
    'non mi aiuta',
    'non aiuta',
    'non è utile',
    'inutile',
    'non serve a niente',
    'è sbagliato',
    'non è quello che ho chiesto',
  ],
  pt: [
    'não me ajudou',
    'não ajudou',
    'não ajuda',
    'não é útil',
    'inútil',
    'não serve',
    'está errado',
    'não foi isso que perguntei',
    'não foi isso que eu perguntei',
  ],
  nl: [
    'heeft niet geholpen',
    'niet geholpen',
    'helpt niet',
    'niet nuttig',
    'niet behulpzaam',
    'nutteloos',
    'dat klopt niet',
    'dat is fout',
    'niet wat ik vroeg',
  ],
  ar: ['لم يساعدني', 'لم يفدني', 'لا يساعد', 'غير مفيد', 'بلا فائدة', 'هذا خطأ', 'هذا غير صحيح', 'ليس ما سألت عنه'],
};

/** Lower case, accents and punctuation dropped, padded with spaces: phrases are then found on word boundaries. */
function normalize(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** Each language's phrases, normalized once. */
function normalizedPhrases(byLanguage: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(byLanguage).map(([language, phrases]) => [language, phrases.map((phrase) => normalize(phrase))]));
}

const humanPhrases = normalizedPhrases(humanPhrasesByLanguage);
const notHelpfulPhrases = normalizedPhrases(notHelpfulPhrasesByLanguage);

/**
 * One BCP 47 tag (`de`, `pt-BR`) or several: the turn passes the visitor's language and the widget's, since the visitor
 * may write in either (the offline answerer's quick reply is in the visitor's).
 */
type Locales = string | readonly string[];

/** Whether `text` contains one of the English phrases or one of the phrases of a language of `locales`. */
function saysAny(phrases: Map<string, string[]>, text: string, locales: Locales): boolean {
  const languages = new Set(['en', ...[locales].flat().map((locale) => locale.toLowerCase().split(/[-_]/)[0] ?? 'en')]);
  const candidates = [...languages].flatMap((language) => phrases.get(language) ?? []);
  const normalized = normalize(text);
  return candidates.some((phrase) => normalized.includes(phrase));
}

/** Whether `text` asks for a human, in English or in a language of `locales` (e.g. `de`, or `['es', 'en-GB']`). */
export function asksForHuman(text: string, locales: Locales): boolean {
  return saysAny(humanPhrases, text, locales);
}

/**
 * Whether `text` says the bot's answers didn't help ("that didn't help", "not what I asked", "useless"), in English or
 * in a language of `locales`. Punctuation is dropped like everything else, so a question counts too: "Is this
 * really not helpful?" says the same to a person reading the chat. Phrases are found anywhere in the message, so
 * "the app doesn't help me track orders" counts as well; the rule's threshold (two by default) keeps one stray match
 * from handing off.
 */
export function saysNotHelpful(text: string, locales: Locales): boolean {
  return saysAny(notHelpfulPhrases, text, locales);
}

/** A system line after which the bot has the conversation again: an agent handed it back, or it was reopened. */
function botTookOver(message: Message): boolean {
  return message.author.kind === 'system' && (message.event?.type === 'handed_back_to_bot' || message.event?.type === 'reopened');
}

/**
 * How many bot messages in a row at the end of `history` (oldest first) carry no knowledge-base citation. Counting
 * goes back over the bot's messages, skipping the visitor's messages and system lines, and stops at a bot message with
 * citations, at any agent message, and at the system line that gave the conversation back to the bot ("The assistant
 * is back", "reopened"). Every bot message counts: replies from Claude or from the offline answerer, and the apology
 * stored when the model failed.
 */
export function repliesWithoutSource(history: readonly Message[]): number {
  let count = 0;
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index]!;
    if (message.author.kind === 'agent' || botTookOver(message)) break;
    if (message.author.kind !== 'bot') continue;
    if (message.citations && message.citations.length > 0) break;
    count++;
  }
  return count;
}

/**
 * How many of the visitor's messages in `history` (oldest first) say the answers didn't help, since the bot last took
 * the conversation over (an agent handed it back, or it was reopened), plus any waiting for the bot (seq after
 * `answeredSeq`): the message that reopened a conversation is stored before the "reopened" line, and must count.
 */
export function notHelpfulCount(history: readonly Message[], answeredSeq: number, locales: Locales): number {
  const takeover = history.findLast(botTookOver);
  const since = takeover ? Math.min(takeover.seq, answeredSeq) : 0;
  return history.filter((message) => message.seq > since && message.author.kind === 'visitor' && saysNotHelpful(message.body, locales))
    .length;
}

/**
 * A short description of why the model failed, for a handoff's reason in the audit row: the error's class and the HTTP
 * status when it has one ("OverloadedError, HTTP 529", "TimeoutError"). Never its message, which may quote the request.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const name = error.name && error.name !== 'Error' ? error.name : error.constructor.name;
  // Only a plain identifier: a name is set by whoever threw, and it ends up in a report.
  const kind = /^[A-Za-z][\w.]{0,60}$/.test(name) ? name : 'Error';
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) ? `${kind}, HTTP ${status}` : kind;
}
