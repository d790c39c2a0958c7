import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

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

/**
 * Serves the demo shop at `/`, the script-tag loader at `/widget.js`, the widget's chunks under `/widget/`, and the
 * console under `/console/`. A folder that was not built is reported once and its routes answer 404.
 */
export async function staticRoutes(app: FastifyInstance, dirs: StaticDirs) {
  await app.register(fastifyStatic, { root: dirs.demo, prefix: '/', index: ['index.html'], wildcard: false });

  if (dirs.widget && existsSync(join(dirs.widget, 'loader.js'))) {
    const widgetDir = dirs.widget;
    await app.register(fastifyStatic, {
      root: widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      maxAge: '1h',
      // The loader import()s these chunks from the customer's page: a cross-origin module fetch needs CORS.
      setHeaders: (response) => response.header('access-control-allow-origin', '*'),
    });
    app.get('/widget.js', function serveLoader(_request, reply) {
      // The loader's URL never changes, so it is cached briefly; the chunks it loads may be cached longer.
      return reply
        .header('cache-control', 'public, max-age=300')
        .header('access-control-allow-origin', '*')
        .sendFile('loader.js', widgetDir);
    });
  } else {
    app.log.warn('widget assets not found; build them with `pnpm build`');
  }

  if (dirs.console && existsSync(join(dirs.console, 'index.html'))) {
    const consoleDir = dirs.console;
    await app.register(fastifyStatic, { root: consoleDir, prefix: '/console/', decorateReply: false, wildcard: false });
    app.get('/console', function redirectConsole(_request, reply) {
      return reply.redirect('/console/');
    });
    // Client-side routes of the console fall back to its index.html.
    app.get('/console/*', function serveConsoleApp(_request, reply) {
      return reply.sendFile('index.html', consoleDir);
    });
  } else {
    app.log.warn('console assets not found; build them with `pnpm build`');
  }
}
