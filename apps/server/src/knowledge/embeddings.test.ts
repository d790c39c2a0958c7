import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAiCompatibleEmbeddings, EmbeddingsError } from './embeddings.js';

const requests: Array<{ body: { model: string; input: string[]; dimensions: number }; authorization: string | null }> = [];
let answer: (input: string[]) => Response = (input) =>
  HttpResponse.json({
    data: input.map((text, index) => ({ object: 'embedding', index, embedding: [text.length, index, 1] })).toReversed(),
  });

const server = setupServer(
  http.post('https://embeddings.test/v1/embeddings', async ({ request }) => {
    const body = (await request.json()) as { model: string; input: string[]; dimensions: number };
    requests.push({ body, authorization: request.headers.get('authorization') });
    return answer(body.input);
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  requests.length = 0;
});
afterAll(() => server.close());

const model = (batchSize = 64) =>
  createOpenAiCompatibleEmbeddings({ baseUrl: 'https://embeddings.test/v1/', model: 'tiny', dimensions: 3, apiKey: 'sk-test', batchSize });

describe('OpenAI-compatible embeddings', () => {
  it('sends model, inputs, dimensions and the key, and returns vectors in input order', async () => {
    expect(await model().embed(['a', 'bbb'])).toEqual([
      [1, 0, 1],
      [3, 1, 1],
    ]);
    expect(requests).toEqual([
      { body: { model: 'tiny', input: ['a', 'bbb'], dimensions: 3, encoding_format: 'float' }, authorization: 'Bearer sk-test' },
    ]);
  });

  it('splits many texts into batches', async () => {
    const vectors = await model(2).embed(['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    expect(vectors.map((vector) => vector[0])).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((request) => request.body.input.length)).toEqual([2, 2, 1]);
  });

  it.each([
    [
      'an HTTP error, with its body',
      () => HttpResponse.json({ error: { message: 'invalid api key' } }, { status: 401 }),
      /answered 401: .*invalid api key/,
    ],
    ['a body that is not an embeddings list', () => HttpResponse.json({ nope: true }), /not an embeddings list/],
    [
      'vectors of another length',
      () => HttpResponse.json({ data: [{ index: 0, embedding: [1, 2] }] }),
      /returned 2 dimensions; PARLEY_EMBEDDINGS_DIMENSIONS is 3/,
    ],
    ['a missing vector', () => HttpResponse.json({ data: [] }), /left out some texts/],
  ])('rejects %s with an EmbeddingsError', async (_name, respond, message) => {
    const previous = answer;
    answer = respond;
    try {
      const failure = model().embed(['x']);
      await expect(failure).rejects.toThrow(EmbeddingsError);
      await expect(model().embed(['x'])).rejects.toThrow(message);
    } finally {
      answer = previous;
    }
  });
});
