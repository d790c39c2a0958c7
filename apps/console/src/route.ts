/**
 * The console's URLs: `<base>` for the inbox, `<base>conversations/<id>` for an open conversation, so a reload or a
 * shared link reopens the same conversation, `<base>knowledge` for the knowledge base, `<base>saved-replies` for saved
 * replies and `<base>settings/widgets` for the widgets' settings (admins). The server answers every path under
 * `/console/` with the app.
 * @module
 */

/** The conversation id in `pathname`, or null for the inbox (or a path that is not the console's). */
export function conversationIdFromPath(pathname: string, base: string): string | null {
  if (!pathname.startsWith(base)) return null;
  const match = /^conversations\/([^/]+)\/?$/.exec(pathname.slice(base.length));
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** The path that shows `conversationId`, or the inbox for null. */
export function pathForConversation(conversationId: string | null, base: string): string {
  return conversationId === null ? base : `${base}conversations/${encodeURIComponent(conversationId)}`;
}

/** The knowledge base page's path. */
export function knowledgePath(base: string): string {
  return `${base}knowledge`;
}

/** True when `pathname` is the knowledge base page. */
export function isKnowledgePath(pathname: string, base: string): boolean {
  return pathname === knowledgePath(base) || pathname === `${knowledgePath(base)}/`;
}

/** The saved replies page's path. */
export function savedRepliesPath(base: string): string {
  return `${base}saved-replies`;
}

/** True when `pathname` is the saved replies page. */
export function isSavedRepliesPath(pathname: string, base: string): boolean {
  return pathname === savedRepliesPath(base) || pathname === `${savedRepliesPath(base)}/`;
}

/** The widgets' settings page's path (admins). */
export function widgetSettingsPath(base: string): string {
  return `${base}settings/widgets`;
}

/** True when `pathname` is the widgets' settings page. */
export function isWidgetSettingsPath(pathname: string, base: string): boolean {
  return pathname === widgetSettingsPath(base) || pathname === `${widgetSettingsPath(base)}/`;
}
