/**
 * Which reverse proxies Parley believes. `X-Forwarded-For` and `X-Forwarded-Proto` are only as honest as the peer that
 * sent them: any client can write them. They are read only when the TCP peer is a configured proxy
 * (`PARLEY_TRUST_PROXY`), by Fastify for REST and by the socket handshakes through the same function.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import { z } from 'zod';

/** Decides whether the hop `index` away (0: the TCP peer) at `address` is a proxy whose forwarded headers count. */
export type TrustProxy = (address: string, index: number) => boolean;

/** `PARLEY_TRUST_PROXY` after parsing: nobody, the nearest `hops` peers, or peers at these addresses/ranges. */
export type TrustProxySetting = { hops: number } | { addresses: string[] } | null;

/** Parses `PARLEY_TRUST_PROXY`: unset/`false`/`0` (nobody), a hop count, or a comma-separated list of IPs and CIDRs. */
export const trustProxySettingSchema = z
  .string()
  .trim()
  .transform((text, context): TrustProxySetting => {
    if (text === '' || text === 'false' || text === '0') return null;
    if (/^\d{1,2}$/.test(text)) return { hops: Number(text) };
    const addresses = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    try {
      proxyAddr.compile(addresses);
    } catch {
      context.addIssue({
        code: 'custom',
        message:
          'PARLEY_TRUST_PROXY must be a hop count (e.g. 1) or a comma-separated list of proxy addresses or CIDR ranges ' +
          '(e.g. 10.0.0.0/8,loopback); "true" (trust anyone) is not accepted',
      });
      return z.NEVER;
    }
    return { addresses };
  });

/** The trust function for a setting. With none, every forwarded header is ignored. */
export function compileTrustProxy(setting: TrustProxySetting): TrustProxy {
  if (setting === null) return () => false;
  if ('hops' in setting) {
    const { hops } = setting;
    return (_address, index) => index < hops;
  }
  return proxyAddr.compile(setting.addresses);
}

/** The client's address: the TCP peer's, or the nearest untrusted one named in `X-Forwarded-For` by trusted proxies. */
export function clientAddress(request: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(request, trust);
}

function lastForwarded(value: string | string[] | undefined): string | undefined {
  const header = Array.isArray(value) ? value.at(-1) : value;
  return header?.split(',').at(-1)?.trim() || undefined;
}

/**
 * The origin (`scheme://host`) that the client used to reach Parley: behind a trusted TLS-terminating proxy, the
 * forwarded scheme and host; otherwise the connection's own.
 */
export function requestOrigin(request: IncomingMessage, trust: TrustProxy): string | undefined {
  const fromProxy = request.socket.remoteAddress !== undefined && trust(request.socket.remoteAddress, 0);
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = (fromProxy && lastForwarded(request.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host = (fromProxy && lastForwarded(request.headers['x-forwarded-host'])) || request.headers.host;
  return host ? `${scheme}://${host}` : undefined;
}
