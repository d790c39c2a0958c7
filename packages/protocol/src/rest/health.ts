/**
 * `/healthz` and `/readyz`.
 * @module
 */
import { z } from 'zod';

/** Answer of `/healthz` (the process is up) and `/readyz` (the database answers). */
export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unavailable']).optional(),
});
/** Answer of `/healthz` and `/readyz`. */
export type Health = z.infer<typeof healthSchema>;
