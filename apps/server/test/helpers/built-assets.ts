import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const distOf = (name: string) => join(dirname(require.resolve(`${name}/package.json`)), 'dist');

/** URL path of the widget's main chunk, content-hashed, as the widget build's manifest names it (`pnpm build` first). */
export function widgetChunkPath(): string {
  const manifest = JSON.parse(readFileSync(join(distOf('@parley/widget'), '.vite/manifest.json'), 'utf8')) as Record<
    string,
    { file: string }
  >;
  return `/${manifest['src/index.ts']!.file}`;
}

/** URL paths of the console's script and stylesheet, as its built index.html names them. */
export function consoleAssetPaths(): { script: string; stylesheet: string } {
  const html = readFileSync(join(distOf('@parley/console'), 'index.html'), 'utf8');
  const script = html.match(/src="(\/console\/assets\/[^"]+\.js)"/)?.[1];
  const stylesheet = html.match(/href="(\/console\/assets\/[^"]+\.css)"/)?.[1];
  if (!script || !stylesheet) throw new Error('the built console/index.html names no assets');
  return { script, stylesheet };
}

/** An HTTP answer as it came over the wire: the body still encoded, unlike `fetch`, which decodes it. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request with node:http and returns the answer undecoded. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
