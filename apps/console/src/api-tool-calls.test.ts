import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { toolCall } from './__fixtures__/tool-calls.js';
import { createApi, type FetchFunction } from './api.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('listToolCalls of createApi', () => {
  it('asks for a conversation’s tool calls, its id kept to one path segment, and passes the server’s refusal on', async () => {
    const urls: string[] = [];
    const listed = { toolCalls: [toolCall(1)] };
    const fetch: FetchFunction = async (url) => {
      urls.push(url);
      return url.includes('gone') ? json(404, { error: { code: 'not_found', message: 'Conversation not found.' } }) : json(200, listed);
    };
    const api = createApi({ fetch, getToken: () => 'token-1' });

    await expect(api.listToolCalls('c/1')).resolves.toEqual(listed);
    expect(urls).toEqual(['/api/conversations/c%2F1/tool-calls']);
    const refused = await api.listToolCalls('gone').catch((error: unknown) => error);
    expect(ParleyError.isInstance(refused) && refused.code).toBe('not_found');
  });
});
