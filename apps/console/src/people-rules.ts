/**
 * Who may change whom, as the server decides it (`/api/people`, `/api/invitations`): admins invite and change agents;
 * only owners invite, promote, demote or deactivate admins and owners; nobody changes their own role or status. The
 * People page disables what the signed-in person may not do and says why, rather than letting the server refuse it.
 * @module
 */
import { isAdminRole, type Role } from '@parley/protocol';

/** Every role, least privileged first. */
export const roles: readonly Role[] = ['agent', 'admin', 'owner'];

const roleNames: Record<Role, string> = { agent: 'Agent', admin: 'Admin', owner: 'Owner' };

/** A role as people read it. */
export function roleName(role: Role): string {
  return roleNames[role];
}

/** The roles `viewer` may give, in an invitation or a role change: owners any, admins only "agent", agents none. */
export function grantableRoles(viewer: Role): Role[] {
  if (viewer === 'owner') return [...roles];
  if (viewer === 'admin') return ['agent'];
  return [];
}

/** What the signed-in person may change about someone: null when they may, else the reason they may not. */
export interface PersonLocks {
  role: string | null;
  status: string | null;
}

/** What `viewer` may change about `person`, with the reason for what they may not. */
export function personLocks(viewer: { id: string; role: Role }, person: { id: string; role: Role }): PersonLocks {
  if (person.id === viewer.id) {
    const reason = 'You cannot change your own role or status: ask an owner.';
    return { role: reason, status: reason };
  }
  if (!isAdminRole(viewer.role)) {
    const reason = 'Only admins and owners manage people.';
    return { role: reason, status: reason };
  }
  if (viewer.role === 'admin' && isAdminRole(person.role)) {
    const reason = `Only an owner can change an ${roleName(person.role).toLowerCase()}.`;
    return { role: reason, status: reason };
  }
  if (viewer.role === 'admin') return { role: 'Only an owner can make someone an admin or an owner.', status: null };
  return { role: null, status: null };
}

/**
 * Whether `viewer` changes `person`'s picture on the People page: admins agents', owners anyone's, as the server
 * decides (it also refuses someone who works in another organization too: they alone change theirs). One's own is
 * changed under "Your profile".
 */
export function mayChangeAvatar(viewer: { id: string; role: Role }, person: { id: string; role: Role }): boolean {
  if (person.id === viewer.id || !isAdminRole(viewer.role)) return false;
  return viewer.role === 'owner' || person.role === 'agent';
}
