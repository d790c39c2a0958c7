/**
 * `/api/teams`: groups of agents that conversations are routed to.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';

/** A team and its members' user ids. */
export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  memberIds: z.array(z.string()),
  /** The bot profile its conversations get (`/api/bot/profiles`); null: their widget's. */
  botProfileId: z.string().nullable(),
});
/** A team and its members' user ids. */
export type Team = z.infer<typeof teamSchema>;

/** Answer of `GET /api/teams`: the organization's teams by name. */
export const teamListSchema = z.object({ teams: z.array(teamSchema) });
/** Answer of `GET /api/teams`. */
export type TeamList = z.infer<typeof teamListSchema>;

/** A team's name: shown to visitors in "transferred to …", so plain, short and not blank. */
const teamNameSchema = storableTextSchema(80)
  .refine((name) => name.length > 0, 'A team needs a name.')
  .refine((name) => !/\p{Cc}/u.test(name), 'A team name cannot contain control characters.');

/** Body of `POST /api/teams` (admins). */
export const teamCreateSchema = z.object({
  name: teamNameSchema,
  memberIds: z.array(z.uuid()).max(1000).default([]),
  botProfileId: z.uuid().nullable().default(null),
});
/** Body of `POST /api/teams`. */
export type TeamCreate = z.input<typeof teamCreateSchema>;

/** Body of `PATCH /api/teams/:teamId` (admins): a new name, a new member list, a bot profile, or several. */
export const teamUpdateSchema = z
  .object({
    name: teamNameSchema.optional(),
    memberIds: z.array(z.uuid()).max(1000).optional(),
    botProfileId: z.uuid().nullable().optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), 'Nothing to update.');
/** Body of `PATCH /api/teams/:teamId`. */
export type TeamUpdate = z.input<typeof teamUpdateSchema>;

/** Path parameters of `/api/teams/:teamId`. */
export const teamParamsSchema = z.object({ teamId: z.uuid() });
