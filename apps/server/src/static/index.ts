import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Where the built assets are; each can be overridden (e.g. in a container image). */
export interface StaticDirs {
  widget: string | undefined;
  console: string | undefined;
  demo: string;
}

/** The default asset folders: the widget package's and the console app's `dist/`, and this app's `public/`. */
export function defaultStaticDirs(): StaticDirs {
  const widget = packageDir('@parley/widget');
  const consoleDir = packageDir('@parley/console');
  return {
    widget: widget && join(widget, 'dist'),
    console: consoleDir && join(consoleDir, 'dist'),
    demo: fileURLToPath(new URL('../../public', import.meta.url)),
  };
}

/** For files whose names change with their content: browsers keep them for a year and never ask again. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The loader's URL is pasted into customers' pages and never changes, so it is kept only briefly: a site's pages pick
 * up a new release (and its new chunk names) within five minutes.
 */
const LOADER_CACHE_CONTROL = 'public, max-age=300';

/**
 * Headers of the widget's files: a Cache-Control (`@fastify/send`'s own is turned off with `cacheControl: false`, it
 * would say `max-age=0`), and CORS, which the loader's `import()` of a chunk from the customer's page needs.
 */
function widgetHeaders(cacheControl: string) {
  return function setWidgetHeaders(reply: FastifyReply) {
    reply.header('cache-control', cacheControl).header('access-control-allow-origin', '*');
  };
}

/**
 * `/widget.js` (the loader) and `/widget/…` (the chunks it imports), from the widget package's `dist/`: precompressed,
 * with ETags, the loader briefly cacheable and the content-hashed chunks for a year. Each has its own `@fastify/static`
 * in this context because `reply.sendFile` takes the options of the instance that decorated it.
 */
async function widgetAssets(app: FastifyInstance, { dir }: { dir: string }) {
  await app.register(fastifyStatic, {
    root: join(dir, 'widget'),
    prefix: '/widget/',
    decorateReply: false,
    // A route per file that exists; any other name reaches the route below.
    wildcard: false,
    globIgnore: ['**/*.br', '**/*.gz'],
    preCompressed: true,
    cacheControl: false,
    setHeaders: widgetHeaders(IMMUTABLE),
  });
  // A page whose cached loader (up to five minutes old) names the previous release's chunk, which this build no longer
  // has: send it to the current one rather than break the widget on that page. Loader and chunk keep their contract.
  const currentChunk = mainChunkOf(dir);
  app.get('/widget/*', function redirectStaleChunk(request, reply) {
    const name = (request.params as { '*': string })['*'];
    if (!currentChunk || !/^widget-[\w-]+\.js$/.test(name)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').header('access-control-allow-origin', '*').redirect(`/${currentChunk}`, 302);
  });
  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders: widgetHeaders(LOADER_CACHE_CONTROL),
  });
  app.get('/widget.js', function serveLoader(_request, reply) {
    return reply.sendFile('loader.js');
  });
}

/** The widget's main chunk (`widget/widget-<hash>.js`), from the manifest its build writes; undefined without one. */
function mainChunkOf(dir: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      { file?: string; isEntry?: boolean }
    >;
    return Object.values(manifest).find((chunk) => chunk.isEntry)?.file;
  } catch {
    return undefined;
  }
}

/**
 * The console under `/console/`: Vite names everything under `assets/` by its content hash, so those are kept for a
 * year; `index.html` names them, so browsers revalidate it every time (`no-cache`, answered 304 by its ETag).
 */
async function consoleAssets(app: FastifyInstance, { dir }: { dir: string }) {
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/console/',
    wildcard: false,
    preCompressed: true,
    // Routes for the files themselves; their .br and .gz are picked by Accept-Encoding, not requested by name.
    globIgnore: ['**/*.br', '**/*.gz'],
    cacheControl: false,
    setHeaders(reply, path) {
      reply.header('cache-control', relative(dir, path).startsWith(`assets${sep}`) ? IMMUTABLE : 'no-cache');
    },
  });
  app.get('/console', function redirectConsole(_request, reply) {
    return reply.redirect('/console/');
  });
  // Client-side routes of the console fall back to its index.html.
  app.get('/console/*', function serveConsoleApp(_request, reply) {
    return reply.sendFile('index.html');
  });
}

/**
 * Serves the demo shop at `/`, the script-tag loader at `/widget.js`, the widget's chunks under `/widget/`, and the
 * console under `/console/`. A folder that was not built is reported once and its routes answer 404. Register it after
 * the compression plugin: the demo page, which has no precompressed copy, is compressed as it is sent.
 */
export async function staticRoutes(app: FastifyInstance, dirs: StaticDirs) {
  await app.register(fastifyStatic, { root: dirs.demo, prefix: '/', index: ['index.html'], wildcard: false, decorateReply: false });

  if (dirs.widget && existsSync(join(dirs.widget, 'loader.js'))) {
    await app.register(widgetAssets, { dir: dirs.widget });
  } else {
    app.log.warn('widget assets not found; build them with `pnpm build`');
  }

  if (dirs.console && existsSync(join(dirs.console, 'index.html'))) {
    await app.register(consoleAssets, { dir: dirs.console });
  } else {
    app.log.warn('console assets not found; build them with `pnpm build`');
  }
}
