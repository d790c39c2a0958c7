import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createApi, type FetchFunction } from './api.js';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records calls and answers with `respond`. */
function fakeFetch(respond: (call: Call) => Response | Promise<Response>): { fetch: FetchFunction; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return respond(call);
    },
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createApi', () => {
  it('sends the bearer token and query, and returns the parsed body', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { messages: [], hasMore: false }));
    const api = createApi({ fetch, getToken: () => 'token-1' });
    await expect(api.listMessages('c/1', { afterSeq: 4, limit: 200 })).resolves.toEqual({ messages: [], hasMore: false });
    expect(calls[0]!.url).toBe('/api/conversations/c%2F1/messages?afterSeq=4&limit=200');
    expect(calls[0]!.init.method).toBe('GET');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe('Bearer token-1');
  });

  it('posts JSON bodies', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { id: 'm', conversationId: 'c', seq: 1, createdAt: 'now' }));
    await createApi({ fetch }).sendReply('c', { clientId: 'client-1', body: 'Hello' });
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ clientId: 'client-1', body: 'Hello' });
  });

  it('turns an error body into a ParleyError with its code, message and issues', async () => {
    const issues = [{ path: 'body.body', message: 'Message is empty.' }];
    const { fetch } = fakeFetch(() => json(400, { error: { code: 'invalid_payload', message: 'Bad reply.', issues } }));
    const error = await createApi({ fetch })
      .sendReply('c', { clientId: 'client-1', body: ' ' })
      .catch((failure: unknown) => failure);
    expect(ParleyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_payload', message: 'Bad reply.', issues });
  });

  it('patches a conversation back to the bot and keeps the message of a rejected transition', async () => {
    const rejection = { error: { code: 'transition_rejected', message: 'This conversation is closed.' } };
    const { fetch, calls } = fakeFetch(() => json(409, rejection));
    const error = await createApi({ fetch })
      .updateConversation('c', { status: 'bot' })
      .catch((failure: unknown) => failure);
    expect(calls[0]!.url).toBe('/api/conversations/c');
    expect(calls[0]!.init.method).toBe('PATCH');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({ status: 'bot' });
    expect(error).toMatchObject({ code: 'transition_rejected', message: 'This conversation is closed.' });
  });

  it("opens and changes a follow-up, keeping the server's conflict when it is one already", async () => {
    const conflict = { error: { code: 'conflict', message: 'This conversation is a follow-up already.' } };
    const { fetch, calls } = fakeFetch((call) => (call.init.method === 'POST' ? json(409, conflict) : json(200, { id: 'c/1' })));
    const api = createApi({ fetch, getToken: () => 'token-1' });
    await expect(api.openTicket('c/1', { priority: 'high' })).rejects.toMatchObject({
      code: 'conflict',
      message: 'This conversation is a follow-up already.',
    });
    await expect(api.updateTicket('c/1', { pending: true })).resolves.toEqual({ id: 'c/1' });
    expect(calls.map(({ url, init }) => [init.method, url, JSON.parse(init.body as string)])).toEqual([
      ['POST', '/api/conversations/c%2F1/ticket', { priority: 'high' }],
      ['PATCH', '/api/conversations/c%2F1/ticket', { pending: true }],
    ]);
    expect((calls[1]!.init.headers as Record<string, string>).authorization).toBe('Bearer token-1');
  });

  it('maps a bare 409 to transition_rejected', async () => {
    const { fetch } = fakeFetch(() => new Response('', { status: 409 }));
    await expect(createApi({ fetch }).updateConversation('c', { assignToMe: true })).rejects.toMatchObject({
      code: 'transition_rejected',
    });
  });

  it('maps a response without an error body to the code of its status', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(createApi({ fetch }).me()).rejects.toMatchObject({ code: 'unavailable' });
  });

  // The codes are derived from the protocol's error table; these are what the console relies on.
  it.each([
    [400, 'invalid_payload'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [409, 'transition_rejected'],
    [413, 'message_too_long'],
    [422, 'invalid_document'],
    [429, 'rate_limited'],
    [500, 'internal_error'],
    [502, 'unavailable'],
    [503, 'unavailable'],
    [504, 'unavailable'],
    [418, 'internal_error'],
  ])('maps a bare %i to %s', async (status, code) => {
    const { fetch } = fakeFetch(() => new Response('', { status }));
    await expect(createApi({ fetch }).me()).rejects.toMatchObject({ code });
  });

  it('reports an unreachable server as unavailable', async () => {
    const { fetch } = fakeFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(createApi({ fetch }).listConversations()).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('saved replies', () => {
  it('lists, creates, patches and deletes them under /api/saved-replies', async () => {
    const saved = { id: 'r/1', shortcut: 'refund', title: 'Refunds', body: 'Hi', scope: 'personal', createdAt: 'now', updatedAt: 'now' };
    const { fetch, calls } = fakeFetch((call) =>
      call.init.method === 'DELETE'
        ? new Response(null, { status: 204 })
        : json(200, call.init.method === 'GET' ? { savedReplies: [saved] } : saved),
    );
    const api = createApi({ fetch });
    await expect(api.listSavedReplies()).resolves.toEqual({ savedReplies: [saved] });
    await api.createSavedReply({ shortcut: 'refund', title: 'Refunds', body: 'Hi', scope: 'personal' });
    await api.updateSavedReply('r/1', { title: 'Refund policy' });
    await expect(api.deleteSavedReply('r/1')).resolves.toBeUndefined();
    expect(calls.map((call) => [call.init.method, call.url, call.init.body ? JSON.parse(call.init.body as string) : undefined])).toEqual([
      ['GET', '/api/saved-replies', undefined],
      ['POST', '/api/saved-replies', { shortcut: 'refund', title: 'Refunds', body: 'Hi', scope: 'personal' }],
      ['PATCH', '/api/saved-replies/r%2F1', { title: 'Refund policy' }],
      ['DELETE', '/api/saved-replies/r%2F1', undefined],
    ]);
  });
});

describe('internal notes', () => {
  it('lists them and writes one under the conversation, with the bearer token', async () => {
    const note = {
      id: 'note-1',
      conversationId: 'c/1',
      afterSeq: 2,
      body: 'Refund approved.',
      author: { id: 'agent-1', name: 'Grace' },
      createdAt: 'now',
    };
    const { fetch, calls } = fakeFetch((call) => json(200, call.init.method === 'GET' ? { notes: [note] } : note));
    const api = createApi({ fetch, getToken: () => 'token-1' });
    await expect(api.listNotes('c/1')).resolves.toEqual({ notes: [note] });
    await expect(api.writeNote('c/1', { clientId: 'client-1', body: 'Refund approved.' })).resolves.toEqual(note);
    expect(calls.map((call) => [call.init.method, call.url, call.init.body ? JSON.parse(call.init.body as string) : undefined])).toEqual([
      ['GET', '/api/conversations/c%2F1/notes', undefined],
      ['POST', '/api/conversations/c%2F1/notes', { clientId: 'client-1', body: 'Refund approved.' }],
    ]);
    expect((calls[1]!.init.headers as Record<string, string>).authorization).toBe('Bearer token-1');
  });
});

/** An XMLHttpRequest double: records what is sent, and lets the test play the upload's events and the answer. */
class FakeXhr {
  static made: FakeXhr[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  aborted = false;
  status = 0;
  responseText = '';
  private listeners = new Map<string, Array<(event: unknown) => void>>();
  upload = {
    listeners: new Map<string, Array<(event: unknown) => void>>(),
    addEventListener(type: string, listener: (event: unknown) => void) {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    },
  };

  constructor() {
    FakeXhr.made.push(this);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: string) {
    this.body = JSON.parse(body);
  }
  abort() {
    this.aborted = true;
    this.emit('abort');
  }
  emit(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener({ type });
  }
  progress(loaded: number, total: number) {
    for (const listener of this.upload.listeners.get('progress') ?? []) listener({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.emit('load');
  }
}

const knowledgeImport = { sourceKey: 'shipping.md', format: 'markdown' as const, content: '# Shipping' };

/** An API whose uploads go through {@link FakeXhr}, with a base URL and a token. */
function uploadingApi() {
  FakeXhr.made = [];
  return createApi({
    baseUrl: 'https://parley.example',
    getToken: () => 'token-1',
    createXhr: () => new FakeXhr() as unknown as XMLHttpRequest,
  });
}

describe('uploadKnowledgeDocument', () => {
  it('posts the document with the bearer token, reports the bytes sent, and returns the result', async () => {
    const api = uploadingApi();
    const progress: unknown[] = [];
    const uploaded = api.uploadKnowledgeDocument(knowledgeImport, { onProgress: (sent) => progress.push(sent) });
    const xhr = FakeXhr.made[0]!;
    expect([xhr.method, xhr.url, xhr.body]).toEqual(['POST', 'https://parley.example/api/knowledge/documents', knowledgeImport]);
    expect(xhr.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer token-1' });
    xhr.progress(40, 100);
    xhr.progress(100, 100);
    const result = { status: 'created', document: { id: 'd1' }, warnings: [] };
    xhr.answer(200, result);
    await expect(uploaded).resolves.toEqual(result);
    expect(progress).toEqual([
      { loaded: 40, total: 100 },
      { loaded: 100, total: 100 },
    ]);
  });

  it('parses an error body into a ParleyError, and a bare status into its code', async () => {
    const api = uploadingApi();
    const refused = api.uploadKnowledgeDocument(knowledgeImport);
    FakeXhr.made[0]!.answer(422, { error: { code: 'invalid_document', message: 'broken.csv: no header.' } });
    const error = await refused.catch((failure: unknown) => failure);
    expect(ParleyError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid_document', message: 'broken.csv: no header.' });

    const gateway = api.uploadKnowledgeDocument(knowledgeImport);
    FakeXhr.made[1]!.answer(502, '<html>Bad gateway</html>');
    await expect(gateway).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('reports a network failure as unavailable, and rejects with the reason when aborted', async () => {
    const api = uploadingApi();
    const offline = api.uploadKnowledgeDocument(knowledgeImport);
    FakeXhr.made[0]!.emit('error');
    await expect(offline).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('Cannot reach the server') });

    const controller = new AbortController();
    const cancelled = api.uploadKnowledgeDocument(knowledgeImport, { signal: controller.signal });
    controller.abort(new Error('Left the page.'));
    expect(FakeXhr.made[1]!.aborted).toBe(true);
    await expect(cancelled).rejects.toThrow('Left the page.');
  });
});

describe('knowledge document chunks', () => {
  it('gets them under the document', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { document: { id: 'd/1' }, chunks: [] }));
    await expect(createApi({ fetch }).getKnowledgeDocumentChunks('d/1')).resolves.toEqual({ document: { id: 'd/1' }, chunks: [] });
    expect([calls[0]!.init.method, calls[0]!.url]).toEqual(['GET', '/api/knowledge/documents/d%2F1/chunks']);
  });
});

describe('knowledge sources and settings', () => {
  it('adds, syncs, changes and removes sources, and reads and changes the language, on their paths', async () => {
    const { fetch, calls } = fakeFetch((call) => (call.init.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, {})));
    const api = createApi({ fetch });
    await api.listKnowledgeSources();
    await api.createKnowledgeSource({ url: 'https://help.example.com/', kind: 'sitemap', resyncHours: 24 });
    await api.syncKnowledgeSource('s/1');
    await api.updateKnowledgeSource('s/1', { resyncHours: null });
    await api.deleteKnowledgeSource('s/1');
    await api.getKnowledgeSettings();
    await api.updateKnowledgeSettings({ language: 'german' });
    expect(calls.map((call) => [call.init.method, call.url, call.init.body ?? null])).toEqual([
      ['GET', '/api/knowledge/sources', null],
      ['POST', '/api/knowledge/sources', '{"url":"https://help.example.com/","kind":"sitemap","resyncHours":24}'],
      ['POST', '/api/knowledge/sources/s%2F1/sync', null],
      ['PATCH', '/api/knowledge/sources/s%2F1', '{"resyncHours":null}'],
      ['DELETE', '/api/knowledge/sources/s%2F1', null],
      ['GET', '/api/knowledge/settings', null],
      ['PATCH', '/api/knowledge/settings', '{"language":"german"}'],
    ]);
  });
});
