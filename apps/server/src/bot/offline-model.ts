/**
 * The offline answerer: what replies when no ANTHROPIC_API_KEY is set. It is deterministic and honest about being
 * simple: it answers with the widget's FAQ entry that shares the most words with the visitor's message, and offers a
 * human when nothing matches well enough. It streams like a model so the rest of the bot does not care.
 * @module
 */
import type { ChatMessage, ChatModel, ChatRequest, ChatStreamPart } from './model.js';
import { emptyUsage } from './model.js';

/** The model id stored for offline answers. */
export const OFFLINE_MODEL = 'offline';

/** How much of the FAQ question the message must cover (0–1) to count as a match. */
const MATCH_THRESHOLD = 0.34;

// Words that carry no meaning for matching. Short on purpose: the FAQ is small and written by the site owner.
const stopWords = new Set(
  'a an and are as at be but by can could do does for from have how i if in is it its me my of on or our so that the their them there this to us was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/** Lower-cased words without accents, stop words or a plural "s", for matching. */
export function keywords(text: string): Set<string> {
  const words = text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !stopWords.has(word))
    .map((word) => (word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word));
  return new Set(words);
}

/** The FAQ entry that best matches `text`, with its score (the share of the entry's keywords found in the text). */
export function bestFaqMatch(
  text: string,
  faq: ReadonlyArray<{ question: string; answer: string }>,
): { entry: { question: string; answer: string }; score: number } | null {
  const words = keywords(text);
  let best: { entry: { question: string; answer: string }; score: number } | null = null;
  for (const entry of faq) {
    const questionWords = keywords(entry.question);
    if (questionWords.size === 0) continue;
    let shared = 0;
    for (const word of questionWords) if (words.has(word)) shared++;
    const score = shared / questionWords.size;
    if (score > 0 && (!best || score > best.score)) best = { entry, score };
  }
  return best;
}

const GREETING = /^\s*(hi|hello|hey|hallo|bonjour|hola|ciao|good (morning|afternoon|evening))\b/i;

/** The reply the offline answerer gives to the visitor's latest text. */
export function offlineAnswer(text: string, knowledge: ChatRequest['knowledge']): string {
  const match = bestFaqMatch(text, knowledge.faq);
  if (match && match.score >= MATCH_THRESHOLD) return match.entry.answer;
  if (GREETING.test(text) && keywords(text).size <= 2) return knowledge.greeting;
  return "I'm not sure I can answer that myself. Would you like to talk to a person? Say \"talk to a person\" or use the button below.";
}

function lastUserText(messages: ChatMessage[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index]!;
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    return message.content.map((block) => (block.type === 'text' ? block.text : '')).join(' ');
  }
  return '';
}

/** The offline answerer as a {@link ChatModel}. */
export function createOfflineModel(): ChatModel {
  return {
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
      const answer = offlineAnswer(lastUserText(request.messages), request.knowledge);
      // Word-sized deltas, so the widget's progressive rendering is exercised the same way as with Claude.
      for (const piece of answer.match(/\S+\s*/g) ?? [answer]) {
        signal.throwIfAborted();
        yield { type: 'text-delta', text: piece };
      }
      yield { type: 'finish', stopReason: 'end_turn', usage: emptyUsage() };
    },
  };
}
