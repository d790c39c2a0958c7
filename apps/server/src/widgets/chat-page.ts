/**
 * The hosted conversation page, `/chat/:publicKey`: where the link in a reply e-mail brings a visitor back to their
 * conversation, on Parley's own origin (the customer's page the chat started on is unknown, and may be any page).
 * The page is the script-tag widget, opened. The link carries a session token in its fragment, which browsers never
 * send to a server (so it is in no access log); `/chat-page.js` stores it where the SDK keeps its session, removes it
 * from the address bar, and asks the loader to open the widget. A link without one starts a new conversation.
 * @module
 */
import { widgetKeyParamsSchema } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { escapeHtml } from '../plugins/mail-templates.js';
import { findWidgetByKey } from './service.js';

/** The page's address for a visitor: the widget's page with their session token in the fragment. */
export function chatPageUrl(baseUrl: string, publicKey: string, sessionToken: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/chat/${encodeURIComponent(publicKey)}#resume=${encodeURIComponent(sessionToken)}`;
}

// Runs before the loader (a parser-blocking script ahead of the async one): the session key is the SDK's
// `storageKeys(widgetKey).session`, and `Parley.q` is the loader's documented queue for calls made before it ran.
const PAGE_SCRIPT = `(function () {
  var key = document.currentScript.dataset.widgetKey;
  var resume = /(?:^#|&)resume=([^&]+)/.exec(location.hash);
  if (resume) {
    try {
      localStorage.setItem('parley:' + key + ':session', decodeURIComponent(resume[1]));
    } catch (error) {
      // Storage blocked: the widget starts a new conversation, which is all it could do anyway.
    }
    history.replaceState(null, '', location.pathname + location.search);
  }
  var parley = (window.Parley = function () {
    (parley.q = parley.q || []).push(arguments);
  });
  parley('open');
})();
`;

/** A page as small as it can be: the widget draws everything, in its own shadow root. */
function pageHtml(publicKey: string, title: string, locale: string): string {
  const key = escapeHtml(publicKey);
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>body{margin:0;font-family:system-ui,sans-serif;background:#f3f4f6}</style>
</head>
<body>
<script src="/chat-page.js" data-widget-key="${key}"></script>
<script async src="/widget.js" data-widget-key="${key}"></script>
</body>
</html>
`;
}

const NOT_FOUND_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat not found</title></head>
<body><p>This chat does not exist any more. Please visit the website you wrote to us from.</p></body></html>
`;

/** Registers `/chat/:publicKey` and its script. */
export function registerChatPage(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/chat-page.js', function chatPageScript(_request, reply) {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAGE_SCRIPT);
  });

  api.get('/chat/:publicKey', { schema: { params: widgetKeyParamsSchema } }, async function chatPage(request, reply) {
    const widget = await findWidgetByKey(app.db, request.params.publicKey);
    // The session token never reaches here (it is in the fragment): the page is the same for everyone, and a changed
    // title shows at once.
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
    if (!widget) return reply.status(404).send(NOT_FOUND_HTML);
    return pageHtml(request.params.publicKey, widget.settings.title, widget.settings.locale);
  });
}
