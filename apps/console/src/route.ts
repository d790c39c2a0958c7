/**
 * The console's URLs: `<base>` for the inbox, `<base>conversations/<id>` for an open conversation, so a reload or a
 * shared link reopens the same conversation, `<base>knowledge` for the knowledge base, `<base>saved-replies` for saved
 * replies, `<base>settings/widgets` for the widgets' settings, `<base>settings/people` for people and teams,
 * `<base>settings/webhooks` for API tokens and webhook subscriptions and `<base>settings/bot-profiles` for the bot
 * profiles (admins), and `<base>invite#<token>` for an invitation link. The server answers every path under `/console/` with the app.
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

/** The saved replies page's path. */
export function savedRepliesPath(base: string): string {
  return `${base}saved-replies`;
}

/** The widgets' settings page's path (admins). */
export function widgetSettingsPath(base: string): string {
  return `${base}settings/widgets`;
}

/** The People settings page's path (admins): members, invitations and teams. */
export function peoplePath(base: string): string {
  return `${base}settings/people`;
}

/** The API & webhooks settings page's path (admins): API tokens, webhook subscriptions and their deliveries. */
export function webhooksPath(base: string): string {
  return `${base}settings/webhooks`;
}

/**
 * The Bot profiles settings page's path (admins): the organization's named bots (persona, model, instructions, knowledge
 * scope, tools), which widgets and teams choose.
 */
export function botProfilesPath(base: string): string {
  return `${base}settings/bot-profiles`;
}

/** The path of an invitation link, `<base>invite`; its secret is in the hash, which browsers never send to a server. */
export function invitePath(base: string): string {
  return `${base}invite`;
}

/** True when `pathname` is an invitation link's path. */
export function isInvitePath(pathname: string, base: string): boolean {
  return isAtPath(pathname, invitePath(base));
}

/** True when `pathname` is `path`, with or without a trailing slash. */
export function isAtPath(pathname: string, path: string): boolean {
  return pathname === path || pathname === `${path}/`;
}

/** The invitation token in a link's hash (`#<token>`), or null when there is none. */
export function invitationTokenFromHash(hash: string): string | null {
  const raw = hash.replace(/^#/, '').trim();
  if (raw === '') return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
