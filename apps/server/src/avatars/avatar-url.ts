/**
 * Where a person's picture is served, for the answers that carry it (messages' authors, a widget's agents, people).
 * @module
 */

/**
 * The absolute URL of a picture: `<PARLEY_PUBLIC_URL>/api/avatars/<userId>/<version>.webp`. Absolute because the
 * widget shows it on the customer's own site, where a path would point at the wrong server; `version` changes with the
 * picture, so each URL can be cached for good. `baseUrl` is `publicBaseUrl(config)`.
 */
export function avatarUrl(baseUrl: string, userId: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/avatars/${userId}/${version}.webp`;
}

/** {@link avatarUrl} for a row that may have no picture (`version` null, as a left join gives): undefined then. */
export function optionalAvatarUrl(baseUrl: string, userId: string | null, version: string | null): string | undefined {
  return userId !== null && version !== null ? avatarUrl(baseUrl, userId, version) : undefined;
}
