import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A node:http server on 127.0.0.1 and an ephemeral port, for tests of Parley's outbound requests (the guarded fetch,
 * the crawler, website sources): `listen()` before use, `close()` after, which also drops kept-alive connections.
 */
export function loopbackServer(listener: RequestListener) {
  const server: Server = createServer(listener);
  return {
    server,
    get origin() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
