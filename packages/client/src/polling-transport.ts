/**
 * engine.io's HTTP long-polling transport, for the client's fallback when a WebSocket can't connect (see
 * `createClient`). A module of its own, imported only then: a bundle that leaves polling out of its main chunk (the
 * widget's script-tag build) loads it on demand; anywhere else polling is registered already, and this changes nothing.
 * @module
 */
import { transports, XHR } from 'engine.io-client';

/** Makes `polling` a transport engine.io can open (it looks transports up by name each time it opens one). */
export function registerPolling(): void {
  (transports as Record<string, unknown>).polling ??= XHR;
}
