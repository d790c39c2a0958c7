import { readFileSync } from 'node:fs';
import { defineConfig, type Manifest, type Plugin, type UserConfig } from 'vite';

// Three builds, picked with `--mode` and run in this order by the `build` script:
//   widget  dist/widget/widget-<hash>.js  the main chunk the loader imports (and any chunk it imports, named the same
//                                         way): ES module, everything bundled, minified; its name goes into
//                                         dist/.vite/manifest.json
//   loader  dist/loader.js                the script-tag loader (served as /widget.js): classic script (IIFE),
//                                         minified, with the main chunk's name from that manifest built in
//   esm     dist/esm/index.js             the npm module: preact and @parley/client stay external so apps share them
// The first two are what browsers download: the build script then writes a .br and a .gz copy of each
// (tools/precompress.mjs) for the server to send as they are.
// Type declarations for dist/esm come from `tsc -b` (emitDeclarationOnly).
const shared: UserConfig = {
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

const entry = 'src/index.ts';
const manifestFile = 'dist/.vite/manifest.json';

/** The main chunk's path under dist/, from the widget build's manifest. */
function mainChunk(): string {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch (cause) {
    throw new Error(`${manifestFile} is missing: build the widget (vite build) before the loader.`, { cause });
  }
  const chunk = manifest[entry];
  if (!chunk) throw new Error(`${manifestFile} has no entry for ${entry}.`);
  return chunk.file;
}

/** A module's code with each of `lines` removed; throws when one is missing, so a changed module fails the build. */
function withoutLines(code: string, id: string, lines: string[], plugin = 'parley-websocket-first'): string {
  for (const line of lines) {
    if (!code.includes(line)) throw new Error(`${id} changed ("${line}" is gone): update the ${plugin} plugin.`);
    code = code.replace(line, '');
  }
  return code;
}

/**
 * Leaves every engine.io transport but the WebSocket out of the main chunk. Parley's client connects with a WebSocket
 * first and falls back to HTTP long-polling only where one can't connect (`@parley/client`'s createClient, which then
 * imports `polling-transport.js`): here polling becomes a chunk of its own, so the visitors whose WebSocket works,
 * nearly all, never download it. WebTransport needs an HTTP/3 server that Parley does not run: never used.
 * - engine.io-client's list of transports keeps the WebSocket alone (polling-transport.js registers polling in it);
 * - engine.io-client's and socket.io-client's entry modules no longer re-export the polling transports, which would
 *   keep them in the main chunk (the widget never imports them from there);
 * - socket.io-client's entry module no longer hangs `Manager`, `Socket` and itself on its `io()` function (a
 *   convenience for old code): that assignment kept `io()` and its URL parser in the main chunk, although Parley's
 *   client creates its Manager itself;
 * - polling-transport.js takes the browser's polling transport from its own module, reached from the lazy chunk only.
 */
function websocketFirst(): Plugin {
  const engine = /[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]/;
  return {
    name: 'parley-websocket-first',
    async transform(code, id) {
      if (engine.test(id) && id.endsWith('transports/index.js')) {
        withoutLines(code, id, ['import { XHR } from "./polling-xhr.node.js";', 'import { WT } from "./webtransport.js";']);
        return { code: 'import { WS } from "./websocket.node.js";\nexport const transports = { websocket: WS };\n', map: null };
      }
      if (engine.test(id) && id.endsWith('esm/index.js')) {
        const lines = [
          'export { Fetch } from "./transports/polling-fetch.js";',
          'export { XHR as NodeXHR } from "./transports/polling-xhr.node.js";',
          'export { XHR } from "./transports/polling-xhr.js";',
        ];
        return { code: withoutLines(code, id, lines), map: null };
      }
      if (/[\\/]socket\.io-client[\\/]build[\\/]esm[\\/]index\.js$/.test(id)) {
        const line = 'export { Fetch, NodeXHR, XHR, NodeWebSocket, WebSocket, WebTransport, } from "engine.io-client";';
        const assign = 'Object.assign(lookup, {\n    Manager,\n    Socket,\n    io: lookup,\n    connect: lookup,\n});';
        return { code: withoutLines(code, id, [line, assign]), map: null };
      }
      if (/[\\/]client[\\/]dist[\\/]polling-transport\.js$/.test(id)) {
        const index = await this.resolve('engine.io-client', id);
        if (!index) throw new Error(`engine.io-client is not resolvable from ${id}.`);
        const polling = JSON.stringify(index.id.replace(/index\.js$/, 'transports/polling-xhr.js'));
        const line = "import { transports, XHR } from 'engine.io-client';";
        return {
          code: `import { transports } from 'engine.io-client';\nimport { XHR } from ${polling};\n${withoutLines(code, id, [line])}`,
          map: null,
        };
      }
      return null;
    },
  };
}

/**
 * Leaves Socket.IO's binary-payload support out of the main chunk. Parley's socket protocol is JSON only (files go
 * over HTTP), so the server never sends a binary packet and the client never sends one: the code that takes binary
 * attachments apart and puts them back together (socket.io-parser) and decodes base64 binary packets
 * (engine.io-parser) would be bytes every visitor downloads for nothing. Each module is replaced by one with the same
 * exports that says no binary data is there, or throws if some ever arrived; a changed module fails the build.
 */
/**
 * Leaves socket.io-client's catch-all listeners (`onAny`, `prependAny`, `offAny`, `listenersAny` and their `…Outgoing`
 * twins) out of the main chunk: Parley's client listens to each event by name, and the socket is not exposed to
 * pages. The socket still calls the lists they would fill (`_anyListeners`, `_anyOutgoingListeners`), which stay
 * empty. Cut from the comment of `onAny` to that of `notifyOutgoingListeners`; a changed module fails the build.
 */
function withoutCatchAllListeners(): Plugin {
  const from = '    /**\n     * Adds a listener that will be fired when any event is emitted.';
  const to = '    /**\n     * Notify the listeners for each packet sent';
  return {
    name: 'parley-without-catch-all-listeners',
    transform(code, id) {
      if (!/[\\/]socket\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(id)) return null;
      const start = code.indexOf(from);
      const end = code.indexOf(to);
      if (start < 0 || end < start) throw new Error(`${id} changed: update the parley-without-catch-all-listeners plugin.`);
      return { code: code.slice(0, start) + code.slice(end), map: null };
    },
  };
}

/** `code` without the text from `from` up to `to` (and `toLength` characters of `to`); throws when either is gone. */
function cutBetween(code: string, id: string, from: string, to: string, toLength: number): string {
  const start = code.indexOf(from);
  const end = code.indexOf(to, start);
  if (start < 0 || end < start) throw new Error(`${id} changed: update the parley-without-upgrades plugin.`);
  return code.slice(0, start) + code.slice(end + toLength);
}

/**
 * Leaves engine.io-client's transport upgrade out of the main chunk: the probing of a better transport once connected
 * (`_probe`, `_filterUpgrades`). Parley's client connects with a WebSocket first, which has nothing to upgrade to; only
 * where a WebSocket can't connect does it fall back to long-polling, and there the probe would only try the WebSocket
 * that just failed. So in the widget a connection stays on the transport it opened with. Cut from the comment of
 * `_probe` to that of `onOpen`, with the calls into them; a changed module fails the build.
 */
function withoutUpgrades(): Plugin {
  const probeFrom = '    /**\n     * Probes a transport.';
  const probeTo = '    /**\n     * Called when connection is deemed open.';
  const filterFrom = '    /**\n     * Filters upgrades, returning only those matching client transports.';
  const filterTo = '        return filteredUpgrades;\n    }\n';
  const calls = [
    '        if ("open" === this.readyState && this.opts.upgrade) {\n            for (let i = 0; i < this._upgrades.length; i++) {\n                this._probe(this._upgrades[i]);\n            }\n        }\n',
    '        this._upgrades = this._filterUpgrades(data.upgrades);\n',
  ];
  return {
    name: 'parley-without-upgrades',
    transform(code, id) {
      if (!/[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(id)) return null;
      let result = cutBetween(code, id, probeFrom, probeTo, 0);
      result = cutBetween(result, id, filterFrom, filterTo, filterTo.length);
      return { code: withoutLines(result, id, calls, 'parley-without-upgrades'), map: null };
    },
  };
}

/**
 * Leaves socket.io-client's retry queue (the `retries` option: `_addToQueue`, `_drainQueue`) and `emitWithAck` out of
 * the main chunk. Parley's client keeps its own outbox and emits with `timeout(…).emit` and a callback; `mount()`
 * creates that client without socket options, so `retries` is never set in the widget. Cut from the comment of
 * `emitWithAck` to that of `packet`, with the two calls into the queue; a changed module fails the build.
 */
function withoutRetryQueue(): Plugin {
  const from = '    /**\n     * Emits an event and waits for an acknowledgement';
  const to = '    /**\n     * Sends a packet.';
  const calls = [
    '        if (this._opts.retries && !this.flags.fromQueue && !this.flags.volatile) {\n            this._addToQueue(args);\n            return this;\n        }\n',
    '        this._drainQueue(true);\n',
  ];
  return {
    name: 'parley-without-retry-queue',
    transform(code, id) {
      if (!/[\\/]socket\.io-client[\\/]build[\\/]esm[\\/]socket\.js$/.test(id)) return null;
      const start = code.indexOf(from);
      const end = code.indexOf(to);
      if (start < 0 || end < start) throw new Error(`${id} changed: update the parley-without-retry-queue plugin.`);
      return { code: withoutLines(code.slice(0, start) + code.slice(end), id, calls, 'parley-without-retry-queue'), map: null };
    },
  };
}

function withoutBinaryPayloads(): Plugin {
  const noBinary = "Parley's socket protocol carries no binary data.";
  const replacements: Array<{ module: RegExp; exports: string[]; code: string }> = [
    {
      module: /[\\/]socket\.io-parser[\\/]build[\\/]esm[\\/]is-binary\.js$/,
      exports: ['isBinary', 'hasBinary'],
      code: 'export const isBinary = () => false;\nexport const hasBinary = () => false;\n',
    },
    {
      module: /[\\/]socket\.io-parser[\\/]build[\\/]esm[\\/]binary\.js$/,
      exports: ['deconstructPacket', 'reconstructPacket'],
      code: `const fail = () => { throw new Error(${JSON.stringify(noBinary)}); };\nexport { fail as deconstructPacket, fail as reconstructPacket };\n`,
    },
    {
      // Strings only: the string branch of each, as the module has it; a binary packet is refused.
      module: /[\\/]engine\.io-parser[\\/]build[\\/]esm[\\/]encodePacket\.browser\.js$/,
      exports: ['encodePacket', 'encodePacketToBinary'],
      code: `import { PACKET_TYPES } from "./commons.js";
const fail = () => { throw new Error(${JSON.stringify(noBinary)}); };
export const encodePacket = ({ type, data }, supportsBinary, callback) =>
  data == null || typeof data === "string" ? callback(PACKET_TYPES[type] + (data || "")) : fail();
export { fail as encodePacketToBinary };
`,
    },
    {
      module: /[\\/]engine\.io-parser[\\/]build[\\/]esm[\\/]decodePacket\.browser\.js$/,
      exports: ['decodePacket'],
      code: `import { ERROR_PACKET, PACKET_TYPES_REVERSE } from "./commons.js";
const fail = () => { throw new Error(${JSON.stringify(noBinary)}); };
export const decodePacket = (encodedPacket) => {
  if (typeof encodedPacket !== "string" || encodedPacket[0] === "b") fail();
  const type = PACKET_TYPES_REVERSE[encodedPacket[0]];
  if (!type) return ERROR_PACKET;
  return encodedPacket.length > 1 ? { type, data: encodedPacket.substring(1) } : { type };
};
`,
    },
    {
      module: /[\\/]engine\.io-parser[\\/]build[\\/]esm[\\/]contrib[\\/]base64-arraybuffer\.js$/,
      exports: ['encode', 'decode'],
      code: `const fail = () => { throw new Error(${JSON.stringify(noBinary)}); };\nexport { fail as encode, fail as decode };\n`,
    },
  ];
  return {
    name: 'parley-without-binary-payloads',
    transform(code, id) {
      const replacement = replacements.find(({ module }) => module.test(id));
      if (!replacement) return null;
      const exported = [
        ...[...code.matchAll(/^export (?:function|const) (\w+)/gm)].map((match) => match[1]!),
        ...[...code.matchAll(/^export \{([^}]*)\};$/gm)].flatMap((match) => match[1]!.split(',').map((name) => name.trim())),
      ].toSorted();
      if (exported.join() !== [...replacement.exports].toSorted().join())
        throw new Error(`${id} changed (exports ${exported.join(', ')}): update the parley-without-binary-payloads plugin.`);
      return { code: replacement.code, map: null };
    },
  };
}

/**
 * engine.io-client's URI parser (a large regular expression and its field list) replaced by the browser's URL parser,
 * returning the fields engine.io reads: `host` (without an IPv6 address's brackets, as the original), `protocol`,
 * `port` (empty for a scheme's default port, which engine.io then fills in itself) and `query`. Parley's client always
 * passes its server's origin; a host without a scheme (engine.io's `host` option) is read as http. A changed module
 * fails the build.
 */
function withUrlParser(): Plugin {
  return {
    name: 'parley-with-url-parser',
    transform(code, id) {
      if (!/[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]contrib[\\/]parseuri\.js$/.test(id)) return null;
      withoutLines(code, id, ['export function parse(str) {', 'const parts = [']);
      return {
        code: `export function parse(str) {
  const url = new URL(str.includes("://") ? str : "http://" + str);
  return { source: str, protocol: url.protocol.slice(0, -1), host: url.hostname.replace(/^\\[(.*)\\]$/, "$1"), port: url.port, path: url.pathname, query: url.search.slice(1) };
}
`,
        map: null,
      };
    },
  };
}

const builds: Record<string, () => UserConfig> = {
  widget: () => ({
    ...shared,
    plugins: [
      websocketFirst(),
      withoutBinaryPayloads(),
      withoutCatchAllListeners(),
      withoutRetryQueue(),
      withoutUpgrades(),
      withUrlParser(),
    ],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      manifest: true,
      lib: { entry, formats: ['es'] },
      rolldownOptions: {
        // Lazy chunks (the rating form) import what they share with the main chunk (preact) from it: the main chunk may
        // gain exports for them, instead of the shared code going into a third file every visitor would download too.
        preserveEntrySignatures: 'allow-extension',
        output: {
          // Content-hashed names: the server lets browsers keep them for a year, and a release changes the name.
          entryFileNames: 'widget/widget-[hash].js',
          chunkFileNames: 'widget/[name]-[hash].js',
          // Vite keeps whitespace and /* @__PURE__ */ comments in ES library builds, for the bundlers of apps that
          // import them. This file is only ever loaded by the script-tag loader, never bundled again: minify it fully.
          minify: true,
          comments: false,
        },
      },
    },
  }),
  loader: () => ({
    ...shared,
    // Relative to the loader's own URL, as the loader resolves it.
    define: { PARLEY_WIDGET_CHUNK: JSON.stringify(mainChunk()) },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      target: 'es2020',
      minify: true,
      lib: { entry: 'src/loader-entry.ts', formats: ['iife'], name: 'ParleyLoader', fileName: () => 'loader.js' },
    },
  }),
  esm: () => ({
    ...shared,
    build: {
      outDir: 'dist/esm',
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: { entry, formats: ['es'], fileName: () => 'index.js' },
      rolldownOptions: { external: [/^preact(\/|$)/, /^@parley\//] },
    },
  }),
};

export default defineConfig(({ mode }) => {
  const config = builds[mode === 'production' ? 'widget' : mode];
  if (!config) throw new Error(`Unknown build mode "${mode}"; use widget, loader or esm.`);
  return config();
});
