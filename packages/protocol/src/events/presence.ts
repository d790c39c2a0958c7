/**
 * `presence:set` and `presence:changed`: whether an agent is online, away or offline.
 * @module
 */
import { z } from 'zod';

/** What an agent can set themselves to: `online`, or `away` (connected, but not taking conversations). */
export const presenceSetSchema = z.object({ status: z.enum(['online', 'away']) });
/** An agent sets themselves online or away. */
export type PresenceSet = z.infer<typeof presenceSetSchema>;

/** An agent's presence: `online` or `away` while a console of theirs is connected, else `offline`. */
export const presenceStatusSchema = z.enum(['online', 'away', 'offline']);
/** An agent's presence. */
export type PresenceStatus = z.infer<typeof presenceStatusSchema>;

/** An agent of the organization changed presence; sent to the organization's agents. */
export const presenceChangedSchema = z.object({ userId: z.string(), status: presenceStatusSchema });
/** An agent of the organization changed presence. */
export type PresenceChanged = z.infer<typeof presenceChangedSchema>;
