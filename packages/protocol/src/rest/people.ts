/**
 * `/api/people` and `/api/invitations`: the organization's agents, admins and owners, and the invitations that bring new
 * ones in. Admins invite agents and change agents; only owners invite, promote, demote or deactivate admins and owners.
 * Nobody changes their own role or deactivates themselves, and an organization always keeps an active owner.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';
import { roleSchema } from './auth.js';

/** Whether a person can sign in: a deactivated person's sessions end and their open conversations go back to the queue. */
export const personStatusSchema = z.enum(['active', 'deactivated']);
/** Whether a person can sign in. */
export type PersonStatus = z.infer<typeof personStatusSchema>;

/** A member of the organization, as the People settings list them. */
export const personSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  status: personStatusSchema,
  /** The teams the person is in, by id. */
  teamIds: z.array(z.string()),
  /** The person's own capacity; null: the organization's default (see `/api/routing`). */
  maxConversations: z.number().int().nullable(),
  /** Open conversations assigned to the person now. */
  openConversations: z.number().int(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
  /** The absolute URL of the person's picture (`rest/avatars.ts`); absent: none. */
  avatarUrl: z.string().optional(),
});
/** A member of the organization. */
export type Person = z.infer<typeof personSchema>;

/** An invitation not yet accepted. `expired` ones are listed too, so that an admin can send them again. */
export const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  teamIds: z.array(z.string()),
  invitedBy: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  expired: z.boolean(),
});
/** An invitation not yet accepted. */
export type Invitation = z.infer<typeof invitationSchema>;

/** Answer of `GET /api/people` (admins): members by name, and open invitations, newest first. */
export const peopleListSchema = z.object({
  people: z.array(personSchema),
  invitations: z.array(invitationSchema),
  /** The organization's default capacity, for people whose own is null. */
  defaultMaxConversations: z.number().int(),
});
/** Answer of `GET /api/people`. */
export type PeopleList = z.infer<typeof peopleListSchema>;

/** Body of `PATCH /api/people/:userId` (admins; owners for admins and owners): a new role, deactivate or reactivate. */
export const personUpdateSchema = z
  .strictObject({ role: roleSchema.optional(), status: personStatusSchema.optional() })
  .refine((update) => update.role !== undefined || update.status !== undefined, 'Nothing to update.');
/** Body of `PATCH /api/people/:userId`. */
export type PersonUpdate = z.infer<typeof personUpdateSchema>;

/** Path parameters of `/api/people/:userId`. */
export const personParamsSchema = z.object({ userId: z.uuid() });

/** Body of `POST /api/invitations` (admins; owners to invite an admin or an owner). */
export const invitationCreateSchema = z.strictObject({
  email: z.email().max(254),
  role: roleSchema.default('agent'),
  teamIds: z.array(z.uuid()).max(100).default([]),
});
/** Body of `POST /api/invitations`. */
export type InvitationCreate = z.input<typeof invitationCreateSchema>;

/**
 * Answer of `POST /api/invitations` and `POST /api/invitations/:invitationId/resend`: the invitation, the link that
 * accepts it (shown once: only its hash is stored), and whether it was e-mailed (SMTP configured).
 */
export const invitationSentSchema = z.object({ invitation: invitationSchema, link: z.string(), emailed: z.boolean() });
/** Answer of `POST /api/invitations`. */
export type InvitationSent = z.infer<typeof invitationSentSchema>;

/** Path parameters of `/api/invitations/:invitationId`. */
export const invitationParamsSchema = z.object({ invitationId: z.uuid() });

/**
 * An invitation link's secret, in the body (never the URL path, which ends up in logs). The server makes them
 * base64url; anything else can't be one, and is refused before it costs a rate-limit attempt.
 */
const invitationTokenSchema = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'This is not an invitation link.');

/** A new account's name: shown to visitors ("Sam joined the conversation") and in e-mails, so one plain line. */
const personNameSchema = storableTextSchema(120)
  .refine((name) => name.length > 0, 'Your name is required.')
  .refine((name) => !/\p{Cc}/u.test(name), 'A name cannot contain control characters.');

/** Body of `POST /api/invitations/lookup` (no sign-in): what an invitation link is for. */
export const invitationLookupSchema = z.strictObject({ token: invitationTokenSchema });

/** Answer of `POST /api/invitations/lookup`. */
export const invitationPreviewSchema = z.object({
  email: z.string(),
  organizationName: z.string(),
  role: roleSchema,
  expiresAt: z.string(),
  /** The e-mail has a Parley account already: accepting asks for its password instead of a new one. */
  accountExists: z.boolean(),
});
/** Answer of `POST /api/invitations/lookup`. */
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

/**
 * Body of `POST /api/invitations/accept` (no sign-in): the new account's name and password, or an existing account's
 * password. Answered like a login.
 */
export const invitationAcceptSchema = z.strictObject({
  token: invitationTokenSchema,
  name: personNameSchema.optional(),
  /** At least `MIN_PASSWORD_LENGTH` (constants.ts) characters for a new account; an existing account's own password otherwise. */
  password: z.string().min(1).max(1024),
});
/** Body of `POST /api/invitations/accept`. */
export type InvitationAccept = z.infer<typeof invitationAcceptSchema>;
