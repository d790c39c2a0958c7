/**
 * Invitations (`/api/invitations`): an admin invites someone by e-mail with a role and teams; the link's secret goes to
 * them (by e-mail when SMTP is set up, and always to the admin, once); whoever holds it creates their account (or
 * signs in with an existing one) and joins the organization. Only the secret's SHA-256 is stored.
 *
 * An expired link is answered `conflict` (the invitation exists, but no longer works: the console says to ask for a
 * new one); an unknown, used, revoked or replaced one `not_found`.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  invitations,
  isUniqueViolation,
  memberships,
  organizations,
  teamMembers,
  teams,
  users,
  type Database,
  type Transaction,
} from '@parley/db';
import {
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationLookupSchema,
  invitationParamsSchema,
  invitationPreviewSchema,
  invitationSentSchema,
  loginResponseSchema,
  MIN_PASSWORD_LENGTH,
  ParleyError,
  type Agent,
  type Invitation,
  type InvitationPreview,
  type InvitationSent,
  type LoginResponse,
  type Role,
} from '@parley/protocol';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicBaseUrl } from '../config.js';
import { invitationEmail } from '../plugins/mail-templates.js';
import { createRateLimit } from '../plugins/rate-limit.js';
import { loadAgent } from './agents.js';
import {
  invitationAcceptedExample,
  invitationAcceptExample,
  invitationCreateExample,
  invitationLookupExample,
  invitationPreviewExample,
  invitationResentExample,
  invitationSentExample,
} from './api-examples.js';
import { requireAdmin } from './caller.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { startSession } from './sessions.js';

/**
 * How long an invitation link works: a week is enough for someone back from a few days off, and short enough that an
 * old e-mail, forwarded or leaked, stops being a way in. Sending it again starts a new week (with a new link).
 */
export const INVITATION_TTL_DAYS = 7;

// Random bytes in a link's secret: 256 bits, beyond guessing whatever the rate limit.
const TOKEN_BYTES = 32;

type InvitationRow = typeof invitations.$inferSelect;

/** Who acts on invitations: a signed-in admin or owner of the organization. */
type Inviter = Pick<Agent, 'id' | 'organizationId' | 'role'>;

const invitationColumns = {
  row: invitations,
  // The database's clock decides, as it does for the expiry it set.
  expired: sql<boolean>`${invitations.expiresAt} <= now()`,
};

/** The SHA-256 (hex) of a link's secret: what is stored and looked up. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The invitation as the API shows it. */
function toInvitation({ row, expired }: { row: InvitationRow; expired: boolean }): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    teamIds: row.teamIds,
    invitedBy: row.invitedBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    expired,
  };
}

/** The organization's invitations not accepted yet (expired ones too), newest first. */
export async function listInvitations(db: Database, organizationId: string): Promise<Invitation[]> {
  const rows = await db
    .select(invitationColumns)
    .from(invitations)
    .where(and(eq(invitations.organizationId, organizationId), isNull(invitations.acceptedAt)))
    .orderBy(desc(invitations.createdAt), desc(invitations.id));
  return rows.map(toInvitation);
}

/** Admins invite agents; only owners invite (or re-invite) admins and owners. */
function assertMayInvite(inviter: Inviter, role: Role): void {
  if (role !== 'agent' && inviter.role !== 'owner') throw new ParleyError('forbidden', 'Only owners can invite admins and owners.');
}

/** Refuses to invite someone who is a member already (active or deactivated: reactivate them instead). */
async function assertNotMember(tx: Transaction, organizationId: string, email: string): Promise<void> {
  const [member] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), sql`lower(${users.email}) = lower(${email})`));
  if (member) throw new ParleyError('conflict', `${email} is a member of your organization already.`);
}

/** Those of `teamIds` that are teams of the organization, without repeats. */
async function teamsOf(tx: Transaction, organizationId: string, teamIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(teamIds)];
  if (unique.length === 0) return unique;
  const found = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(and(eq(teams.organizationId, organizationId), inArray(teams.id, unique)));
  return found.map((team) => team.id);
}

/** A new secret for a link, and the hash stored for it. */
function newSecret(): { token: string; tokenHash: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

const expiresInTtl = sql`now() + make_interval(days => ${INVITATION_TTL_DAYS})`;

/**
 * Invites `input.email` to the inviter's organization, replacing a pending invitation to the same address (any case):
 * its link stops working. Returns the invitation and its link's secret, which is not stored and can't be shown again.
 */
export async function createInvitation(
  db: Database,
  inviter: Inviter,
  input: z.output<typeof invitationCreateSchema>,
): Promise<{ invitation: Invitation; token: string }> {
  assertMayInvite(inviter, input.role);
  const { token, tokenHash } = newSecret();
  try {
    return await db.transaction(async (tx) => {
      await assertNotMember(tx, inviter.organizationId, input.email);
      const teamIds = await teamsOf(tx, inviter.organizationId, input.teamIds);
      if (teamIds.length !== new Set(input.teamIds).size) throw new ParleyError('not_found', 'Your organization has no team with this id.');
      await tx
        .delete(invitations)
        .where(
          and(
            eq(invitations.organizationId, inviter.organizationId),
            sql`lower(${invitations.email}) = lower(${input.email})`,
            isNull(invitations.acceptedAt),
          ),
        );
      const [row] = await tx
        .insert(invitations)
        .values({
          organizationId: inviter.organizationId,
          email: input.email,
          role: input.role,
          teamIds,
          tokenHash,
          invitedBy: inviter.id,
          expiresAt: expiresInTtl,
        })
        .returning();
      return { invitation: toInvitation({ row: row!, expired: false }), token };
    });
  } catch (error) {
    // Two admins inviting the same address at the same moment: one invitation wins.
    if (isUniqueViolation(error)) throw new ParleyError('conflict', `${input.email} was invited just now; reload to see the invitation.`);
    throw error;
  }
}

/** Gives a pending invitation a new link and a new week; the old link stops working. */
export async function renewInvitation(
  db: Database,
  inviter: Inviter,
  invitationId: string,
): Promise<{ invitation: Invitation; token: string }> {
  const { token, tokenHash } = newSecret();
  return db.transaction(async (tx) => {
    const [pending] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, inviter.organizationId), isNull(invitations.acceptedAt)))
      .for('update');
    if (!pending) throw new ParleyError('not_found', 'Your organization has no open invitation with this id.');
    assertMayInvite(inviter, pending.role);
    await assertNotMember(tx, inviter.organizationId, pending.email);
    const [row] = await tx
      .update(invitations)
      .set({ tokenHash, expiresAt: expiresInTtl })
      .where(eq(invitations.id, invitationId))
      .returning();
    return { invitation: toInvitation({ row: row!, expired: false }), token };
  });
}

/** Withdraws a pending invitation: its link stops working. */
export async function revokeInvitation(db: Database, organizationId: string, invitationId: string): Promise<void> {
  const [row] = await db
    .delete(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, organizationId), isNull(invitations.acceptedAt)))
    .returning({ id: invitations.id });
  if (!row) throw new ParleyError('not_found', 'Your organization has no open invitation with this id.');
}

const NOT_VALID = 'This invitation link is not valid: it was used already, withdrawn, or replaced by a newer one.';
const EXPIRED = 'This invitation has expired. Ask for a new one.';

/** The pending invitation a link's secret names (its row locked with `lock`), and its organization's name; throws when the link doesn't work. */
async function usableInvitation(db: Database | Transaction, token: string, lock: boolean) {
  const query = db
    .select({ ...invitationColumns, organizationName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  const [found] = lock ? await query.for('update', { of: invitations }) : await query;
  if (!found || found.row.acceptedAt !== null) throw new ParleyError('not_found', NOT_VALID);
  if (found.expired) throw new ParleyError('conflict', EXPIRED);
  return found;
}

/** The account with this e-mail (any case), with its password hash. */
async function accountOf(db: Database | Transaction, email: string) {
  const [account] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return account;
}

/** What a link invites to, for the page that accepts it. */
export async function previewInvitation(db: Database, token: string): Promise<InvitationPreview> {
  const { row, organizationName } = await usableInvitation(db, token, false);
  return {
    email: row.email,
    organizationName,
    role: row.role,
    expiresAt: row.expiresAt.toISOString(),
    accountExists: (await accountOf(db, row.email)) !== undefined,
  };
}

function invalidPayload(path: string, message: string): ParleyError {
  return new ParleyError('invalid_payload', message, { issues: [{ path, message }] });
}

/**
 * Accepts an invitation: a new e-mail gets an account (a name, and a password of at least {@link MIN_PASSWORD_LENGTH}
 * characters); an existing account proves itself with its password. The membership with the invitation's role, its
 * teams (those that still exist) and the invitation's use are written in one transaction, under the invitation's row
 * lock: of two accepts with one link, the second finds it used. Returns whom to sign in.
 */
export async function acceptInvitation(
  db: Database,
  input: z.output<typeof invitationAcceptSchema>,
): Promise<{ userId: string; organizationId: string }> {
  // Checked before the transaction, so that the slow password hashing holds no lock; checked again under it.
  const { row: seen } = await usableInvitation(db, input.token, false);
  const account = await accountOf(db, seen.email);
  let passwordHash: string | null = null;
  if (account) {
    if (!(await verifyPassword(account.passwordHash, input.password))) {
      throw new ParleyError('unauthorized', `Wrong password for ${seen.email}.`);
    }
  } else {
    if (input.name === undefined) throw invalidPayload('name', 'Your name is required.');
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw invalidPayload('password', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    passwordHash = await hashPassword(input.password);
  }
  try {
    return await db.transaction(async (tx) => {
      const { row } = await usableInvitation(tx, input.token, true);
      let userId = account?.id;
      if (!userId) {
        const [created] = await tx
          .insert(users)
          .values({ email: row.email, name: input.name!, passwordHash: passwordHash! })
          .returning({ id: users.id });
        userId = created!.id;
      }
      const [joined] = await tx
        .insert(memberships)
        .values({ userId, organizationId: row.organizationId, role: row.role })
        .onConflictDoNothing()
        .returning({ userId: memberships.userId });
      if (!joined) throw new ParleyError('conflict', `${row.email} is a member of this organization already.`);
      // Teams deleted since the invitation are skipped.
      const teamIds = await teamsOf(tx, row.organizationId, row.teamIds);
      if (teamIds.length > 0) {
        await tx
          .insert(teamMembers)
          .values(teamIds.map((teamId) => ({ teamId, userId })))
          .onConflictDoNothing();
      }
      await tx
        .update(invitations)
        .set({ acceptedAt: sql`now()` })
        .where(eq(invitations.id, row.id));
      return { userId, organizationId: row.organizationId };
    });
  } catch (error) {
    // The account was created by another way in between the check and the insert.
    if (isUniqueViolation(error))
      throw new ParleyError('conflict', `An account for ${seen.email} was created just now; open the link again.`);
    throw error;
  }
}

/** The link that accepts an invitation: the console's page, with the secret in the fragment (never sent to a server). */
export function invitationLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/console/invite#${token}`;
}

/**
 * Registers `/api/invitations`. Creating, renewing and revoking are for admins (signed in); looking a link up and
 * accepting it need no sign-in, and are rate limited like sign-in: per link and per address.
 */
export function registerInvitationRoutes(app: FastifyInstance): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { config, log, mailer } = app;
  // Where the server is reached from outside; the same base as the e-mailed conversation links (handoff/email.ts).
  const baseUrl = publicBaseUrl(config);
  // Before validation: an agent (or nobody) is refused whatever the body, rather than told what is wrong with it.
  const preValidation = [app.authenticate, requireAdmin('invite people')];
  // Ten tries per link per 15 minutes: an existing account's password can't be guessed through its invitation faster
  // than through sign-in. The per-address budget stops one address from trying many links.
  const linkLimit = createRateLimit(10, 15 * 60);
  const addressLimit = createRateLimit(100, 15 * 60);

  async function limit(token: string, address: string): Promise<void> {
    await Promise.all([linkLimit(hashToken(token)), addressLimit(address)]).catch(() => {
      throw new ParleyError('rate_limited', 'Too many tries with invitation links; try again in a few minutes.');
    });
  }

  /** Answers a created or renewed invitation: its link, e-mailed when SMTP is set up. */
  async function send(inviter: Inviter, sent: { invitation: Invitation; token: string }): Promise<InvitationSent> {
    const link = invitationLink(baseUrl, sent.token);
    if (!mailer.enabled) return { invitation: sent.invitation, link, emailed: false };
    const [context] = await app.db
      .select({ organizationName: organizations.name, inviterName: users.name })
      .from(organizations)
      .leftJoin(users, eq(users.id, inviter.id))
      .where(eq(organizations.id, inviter.organizationId));
    const email = invitationEmail({
      organizationName: context?.organizationName ?? '',
      inviterName: context?.inviterName ?? null,
      role: sent.invitation.role,
      acceptUrl: link,
      expiresAt: new Date(sent.invitation.expiresAt),
    });
    try {
      await mailer.send({ to: sent.invitation.email, ...email });
      return { invitation: sent.invitation, link, emailed: true };
    } catch (error) {
      // The invitation stands: the admin gets the link to pass on, and `emailed: false` says they must.
      log.warn({ err: error, invitationId: sent.invitation.id }, 'e-mailing an invitation failed');
      return { invitation: sent.invitation, link, emailed: false };
    }
  }

  api.post(
    '/api/invitations',
    {
      config: { example: { body: invitationCreateExample, response: invitationSentExample } },
      preValidation,
      schema: { body: invitationCreateSchema, response: { 201: invitationSentSchema } },
    },
    async function createInvitationRoute(request, reply) {
      const inviter = request.agent!;
      return reply.code(201).send(await send(inviter, await createInvitation(app.db, inviter, request.body)));
    },
  );

  api.post(
    '/api/invitations/:invitationId/resend',
    {
      config: { example: { response: invitationResentExample } },
      preValidation,
      schema: { params: invitationParamsSchema, response: { 200: invitationSentSchema } },
    },
    async function resendInvitationRoute(request) {
      const inviter = request.agent!;
      return send(inviter, await renewInvitation(app.db, inviter, request.params.invitationId));
    },
  );

  api.delete(
    '/api/invitations/:invitationId',
    { preValidation, schema: { params: invitationParamsSchema, response: { 204: z.null() } } },
    async function revokeInvitationRoute(request, reply) {
      await revokeInvitation(app.db, request.agent!.organizationId, request.params.invitationId);
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api/invitations/lookup',
    {
      config: { public: true, example: { body: invitationLookupExample, response: invitationPreviewExample } },
      schema: { body: invitationLookupSchema, response: { 200: invitationPreviewSchema } },
    },
    async function lookupInvitationRoute(request) {
      // request.ip is the forwarded client address only behind a trusted proxy (PARLEY_TRUST_PROXY).
      await limit(request.body.token, request.ip);
      return previewInvitation(app.db, request.body.token);
    },
  );

  api.post(
    '/api/invitations/accept',
    {
      config: { public: true, example: { body: invitationAcceptExample, response: invitationAcceptedExample } },
      schema: { body: invitationAcceptSchema, response: { 200: loginResponseSchema } },
    },
    async function acceptInvitationRoute(request): Promise<LoginResponse> {
      await limit(request.body.token, request.ip);
      const joined = await acceptInvitation(app.db, request.body);
      return startSession(app.db, app.tokens, await loadAgent(app.db, joined));
    },
  );
}
