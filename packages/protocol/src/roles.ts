/**
 * The roles people have in an organization. Schema-free (no zod), so that the console checks a role without pulling
 * zod into its bundle.
 * @module
 */

/**
 * Roles, least privileged first: agents answer conversations; admins also manage the organization's settings and its
 * agents; owners also manage admins and owners.
 */
export const ROLES = ['agent', 'admin', 'owner'] as const;

/** True for the roles that manage settings (admins and owners). */
export function isAdminRole(role: (typeof ROLES)[number]): boolean {
  return role === 'admin' || role === 'owner';
}
