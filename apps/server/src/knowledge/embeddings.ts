/**
 * Text embeddings for semantic search, behind a narrow interface. The one implementation speaks the OpenAI-compatible
 * `POST {baseUrl}/embeddings` API, which OpenAI, Voyage, Mistral and local servers (Ollama, llama.cpp, vLLM, TEI)
 * offer. Enabled by PARLEY_EMBEDDINGS_URL, _MODEL, _DIMENSIONS and, where the server needs one, _API_KEY.
 * @module
 */
import { z } from 'zod';

/** Turns texts into vectors of a fixed length. */
export interface EmbeddingModel {
  /** Stored with each vector, so vectors of another model are never compared. */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. Rejects with {@link EmbeddingsError}. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** The embeddings service failed or answered something unusable; the message says which. */
export class EmbeddingsError extends Error {
  override readonly name = 'EmbeddingsError';
}

/** Options of {@link createOpenAiCompatibleEmbeddings}. */
export interface OpenAiCompatibleEmbeddingsOptions {
  /** The API's base URL, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: string;
  model: string;
  dimensions: number;
  apiKey?: string | undefined;
  /** Texts per request; providers cap a request's inputs (OpenAI: 2,048; Voyage: 128). */
  batchSize?: number;
  /** Per request. */
  timeoutMs?: number;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
});

/** An {@link EmbeddingModel} over an OpenAI-compatible `/embeddings` endpoint. */
export function createOpenAiCompatibleEmbeddings(options: OpenAiCompatibleEmbeddingsOptions): EmbeddingModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const batchSize = options.batchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function embedBatch(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: options.model, input: texts, dimensions: options.dimensions, encoding_format: 'float' }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      throw new EmbeddingsError(`The embeddings service at ${url} did not answer: ${(cause as Error).message}`, { cause });
    }
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 300);
      throw new EmbeddingsError(`The embeddings service answered ${response.status}${detail ? `: ${detail}` : ''}`);
    }
    const parsed = responseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new EmbeddingsError('The embeddings service sent a response that is not an embeddings list.');
    const vectors: Array<number[] | undefined> = Array.from({ length: texts.length }, () => undefined);
    for (const item of parsed.data.data) {
      if (item.index >= texts.length) throw new EmbeddingsError(`The embeddings service returned an index out of range (${item.index}).`);
      if (item.embedding.length !== options.dimensions) {
        throw new EmbeddingsError(
          `The model returned ${item.embedding.length} dimensions; PARLEY_EMBEDDINGS_DIMENSIONS is ${options.dimensions}.`,
        );
      }
      vectors[item.index] = item.embedding;
    }
    if (vectors.some((vector) => vector === undefined)) throw new EmbeddingsError('The embeddings service left out some texts.');
    return vectors as number[][];
  }

  return {
    model: options.model,
    dimensions: options.dimensions,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await embedBatch(texts.slice(start, start + batchSize), signal)));
      }
      return vectors;
    },
  };
}
