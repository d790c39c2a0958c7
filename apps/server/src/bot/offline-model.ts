/**
 * The offline answerer: what replies when no ANTHROPIC_API_KEY is set. It is deterministic and honest about being
 * simple: it answers with the knowledge-base passage that best matches the visitor's message, citing it, and offers a
 * human when no passage is relevant (the shared "no relevant source" decision), with a quick reply that asks for one
 * (carried by the stream's finish part, like its citations): it never answers from anything but the knowledge base,
 * and never without a citation. It streams like a model so the rest of the bot does not care. Its own sentences (the
 * offer of a person and its quick reply, a greeting when the widget has none) are in the visitor's language
 * (`offline-phrases.ts`; `ChatRequest.locale`); passages are quoted as is.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { widgetSettingsSchema } from '@parley/protocol';
import { isRelevantSource, MIN_SOURCE_COVERAGE } from '../knowledge/relevant-source.js';
import type { ChatMessage, ChatModel, ChatRequest, ChatStreamPart, ContentBlock } from './model.js';
import { emptyUsage } from './model.js';
import { fallbackReply, offlinePhrases } from './offline-phrases.js';
import { keywords } from './keywords.js';
import { offlineToolCall, toolResultAnswer } from './offline-tools.js';

/** The model id stored for offline answers. */
export const OFFLINE_MODEL = 'offline';

/**
 * How much of the message's weight a passage must contain (its `coverage`, 0–1) to be given as the answer: the shared
 * "no relevant source" decision's cut (`knowledge/relevant-source.ts`). Below it, and without a close semantic match,
 * the passage is probably about something else, and a person is offered instead.
 */
export const PASSAGE_THRESHOLD = MIN_SOURCE_COVERAGE;
/** A passage longer than this is cut at a sentence end: the visitor gets the gist and the link. */
const ANSWER_MAX_CHARACTERS = 700;

// Greetings in the catalog's languages, matched on the text without accents ("olá", "buenos días").
const GREETING =
  /^\s*(hi|hello|hey|good (morning|afternoon|evening)|hallo|guten (morgen|tag|abend)|moin|servus|bonjour|bonsoir|salut|hola|buen[oa]s (dias|tardes|noches)|ciao|buongiorno|buonasera|salve|ola|oi|bom dia|boa (tarde|noite)|hoi|goedemorgen|goedemiddag|goedenavond)\b/i;

/** The protocol's default greeting: English whatever the widget's language, so not the owner's own words. */
const DEFAULT_GREETING = widgetSettingsSchema.shape.greeting.parse(undefined);

/** What the offline answerer knows of the conversation besides the visitor's latest text. */
export interface OfflineContext {
  /** The visitor's language (BCP 47; `ChatRequest.locale`), for the answerer's own sentences; English when absent. */
  locale?: string;
  /** The text of the bot's previous message in the conversation, if the last reply before this turn was the bot's. */
  previousReply?: string | null;
}

/** The passage as an answer: whole up to {@link ANSWER_MAX_CHARACTERS}, else cut at a sentence end (also AI help's). */
export function excerpt(body: string): string {
  if (body.length <= ANSWER_MAX_CHARACTERS) return body;
  let result = '';
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'sentence' }).segment(body)) {
    if (result && result.length + segment.length > ANSWER_MAX_CHARACTERS) break;
    result += segment;
  }
  return result.trim().slice(0, ANSWER_MAX_CHARACTERS);
}

/** What the offline answerer replies. */
export interface OfflineAnswer {
  text: string;
  /** The passage numbers it cites. */
  citations: number[];
  /** On an offer of a person: the one quick reply that asks for one (the phrases' `button`). */
  quickReplies?: string[];
}

/**
 * The reply the offline answerer gives to the visitor's latest text, and the passage numbers it cites. A greeting gets
 * the widget's greeting (the catalog's when the widget has none, or only the English default in another language);
 * anything it can't answer gets the offer of a person, shorter when its previous reply was that offer already, and
 * always with a quick reply whose text, sent, asks for a person in the visitor's language.
 */
export function offlineAnswer(text: string, knowledge: ChatRequest['knowledge'], context: OfflineContext = {}): OfflineAnswer {
  // The bot's "no relevant source" decision: the first passage worth answering from, if any.
  const passage = knowledge.passages.find((candidate) => isRelevantSource(candidate));
  if (passage) return { text: excerpt(passage.body), citations: [passage.index] };
  const phrases = offlinePhrases(context.locale);
  if (GREETING.test(plain(text)) && keywords(text).size <= 2) {
    const own = knowledge.greeting.trim();
    return { text: own && own !== DEFAULT_GREETING ? knowledge.greeting : phrases.greeting, citations: [] };
  }
  return { text: fallbackReply(phrases, context.previousReply ?? null), citations: [], quickReplies: [phrases.button] };
}

/** Text without accents, for the greeting pattern. */
function plain(text: string): string {
  return text.normalize('NFD').replace(/\p{Mn}/gu, '');
}

/** The text of a message's text blocks. */
function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .filter((block) => block.type === 'text')
    .map((block) => block.text)
    .join('\n\n');
}

/**
 * The bot's previous message: the last paragraph of the last assistant turn (neighbouring messages of one side are
 * merged into a turn, so an agent's message after the bot's is that paragraph, and the bot's is not the last reply).
 */
export function previousReply(messages: readonly ChatMessage[]): string | null {
  const last = messages.findLast((message) => message.role === 'assistant');
  return last ? (textOf(last).split('\n\n').at(-1) ?? null) : null;
}

function lastUserText(messages: ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    // The visitor's words are the last text block; the knowledge block before them is for language models.
    const texts = message.content.filter((block) => block.type === 'text');
    return texts.at(-1)?.text ?? '';
  }
  return '';
}

/** The answer from an action's result; a failed action also offers a person, with its quick reply. */
function answerFromTool(results: Extract<ContentBlock, { type: 'tool_result' }>[], locale: string | undefined): OfflineAnswer {
  const phrases = offlinePhrases(locale);
  const { text, failed } = toolResultAnswer(results, phrases);
  return failed ? { text, citations: [], quickReplies: [phrases.button] } : { text, citations: [] };
}

/** The offline answerer as a {@link ChatModel}. */
export function createOfflineModel(): ChatModel {
  return {
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
      const last = request.messages.at(-1);
      const results =
        last?.role === 'user' && Array.isArray(last.content) ? last.content.filter((block) => block.type === 'tool_result') : [];
      const text = lastUserText(request.messages);
      // The visitor's message names what an action needs: call it, and answer with its result in the next round.
      const call = results.length === 0 ? offlineToolCall(text, request.tools) : null;
      if (call) {
        yield { type: 'tool-call', id: `offline_${randomUUID()}`, name: call.name, input: call.input };
        yield { type: 'finish', stopReason: 'tool_use', usage: emptyUsage() };
        return;
      }
      const answer =
        results.length > 0
          ? answerFromTool(results, request.locale)
          : offlineAnswer(text, request.knowledge, {
              locale: request.locale,
              previousReply: previousReply(request.messages),
            });
      // Word-sized deltas, so the widget's progressive rendering is exercised the same way as with Claude.
      for (const piece of answer.text.match(/\S+\s*/g) ?? [answer.text]) {
        signal.throwIfAborted();
        yield { type: 'text-delta', text: piece };
      }
      yield {
        type: 'finish',
        stopReason: 'end_turn',
        usage: emptyUsage(),
        citations: answer.citations,
        ...(answer.quickReplies ? { quickReplies: answer.quickReplies } : {}),
      };
    },
  };
}
