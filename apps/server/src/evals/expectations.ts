/**
 * Checks a run's transcript against its scenario's expectations. Pure: each failed expectation is one sentence that
 * says what was expected and what happened.
 * @module
 */
import { isDeepStrictEqual } from 'node:util';
import type { Expectations } from './scenario.js';
import type { EvalTranscript as Transcript } from '@parley/protocol';

/** The expectations a run failed; empty when it passed. Rubric criteria are judged elsewhere (they need a model). */
export function failedExpectations(expect: Expectations, transcript: Transcript): string[] {
  const failures: string[] = [];
  const botText = transcript.messages
    .filter((message) => message.author === 'bot')
    .map((message) => message.text)
    .join('\n');
  const lowerBotText = botText.toLowerCase();
  const cited = transcript.messages.flatMap((message) => message.citations ?? []);
  const called = transcript.toolCalls;

  if (Object.values(expect).every((value) => value === undefined)) failures.push('The scenario expects nothing: add to `expect`.');
  for (const document of expect.cites ?? []) {
    const wanted = document.toLowerCase();
    const found = cited.some(
      (citation) =>
        citation.title.toLowerCase() === wanted || citation.sourceKey.toLowerCase() === wanted || citation.url?.toLowerCase() === wanted,
    );
    if (!found) {
      const titles = [...new Set(cited.map((citation) => citation.title))];
      failures.push(
        `Expected a citation of "${document}"; cited ${titles.length > 0 ? titles.map((t) => `"${t}"`).join(', ') : 'nothing'}.`,
      );
    }
  }
  if (expect.handoff !== undefined && expect.handoff !== transcript.handedOff) {
    failures.push(
      expect.handoff
        ? 'Expected a handoff to a person; the bot kept the conversation.'
        : 'Expected no handoff; the conversation went to a person.',
    );
  }
  for (const call of expect.calls ?? []) {
    const named = called.filter((candidate) => candidate.tool === call.tool);
    if (named.length === 0) {
      failures.push(
        `Expected a call of ${call.tool}; ${called.length > 0 ? `called ${called.map((c) => c.tool).join(', ')}` : 'no tool was called'}.`,
      );
      continue;
    }
    if (call.input && !named.some((candidate) => inputMatches(call.input!, candidate.input))) {
      failures.push(
        `Expected ${call.tool} with ${JSON.stringify(call.input)}; it was called with ${named.map((c) => JSON.stringify(c.input)).join(', ')}.`,
      );
    }
  }
  for (const tool of expect.neverCalls ?? []) {
    if (called.some((candidate) => candidate.tool === tool)) failures.push(`Expected no call of ${tool}; it was called.`);
  }
  for (const phrase of expect.contains ?? []) {
    if (!lowerBotText.includes(phrase.toLowerCase())) failures.push(`Expected the bot to say "${phrase}"; it did not.`);
  }
  for (const phrase of expect.notContains ?? []) {
    if (lowerBotText.includes(phrase.toLowerCase())) failures.push(`Expected the bot not to say "${phrase}"; it did.`);
  }
  return failures;
}

/** Every expected field is in the actual input with an equal value (numbers and strings compared as written, "1001" ≠ 1001). */
function inputMatches(expected: Record<string, unknown>, actual: unknown): boolean {
  if (typeof actual !== 'object' || actual === null) return false;
  return Object.entries(expected).every(([key, value]) => isDeepStrictEqual((actual as Record<string, unknown>)[key], value));
}
