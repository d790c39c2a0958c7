// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from './__fixtures__/fake-visitor-server.js';
import { createClientWithSocket, type ParleyClient } from './create-client.js';
import { createMemoryStorage } from './storage.js';

let client: ParleyClient | undefined;
afterEach(() => {
  client?.close();
  vi.restoreAllMocks();
});

describe('the visitor handshake in a browser', () => {
  it('reports the page, the referrer, the time zone and the language on every (re)connect', async () => {
    window.happyDOM.setURL('https://shop.example/checkout?step=2');
    vi.spyOn(document, 'referrer', 'get').mockReturnValue('https://www.google.com/');
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-CH');
    const server = new FakeServer();
    client = createClientWithSocket(
      { serverUrl: 'http://localhost:3000', widgetKey: 'pk_test', ackTimeoutMs: 50, storage: createMemoryStorage() },
      server.createSocket,
    );
    await vi.waitFor(() => expect(client!.status).toBe('connected'), { timeout: 2000, interval: 5 });
    expect(server.sockets[0]!.handshakes).toEqual([
      {
        widgetKey: 'pk_test',
        page: 'https://shop.example/checkout?step=2',
        referrer: 'https://www.google.com/',
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        language: 'de-CH',
      },
    ]);
  });

  it('reports the language setLocale gave instead of the browser’s', async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-US');
    const server = new FakeServer();
    client = createClientWithSocket(
      { serverUrl: 'http://localhost:3000', widgetKey: 'pk_test', ackTimeoutMs: 50, storage: createMemoryStorage(), autoConnect: false },
      server.createSocket,
    );
    client.setLocale('es');
    client.connect();
    await vi.waitFor(() => expect(client!.status).toBe('connected'), { timeout: 2000, interval: 5 });
    expect(server.sockets[0]!.handshakes.map((handshake) => handshake.language)).toEqual(['es']);
  });
});
