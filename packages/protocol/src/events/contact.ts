/**
 * `contact:update`: the visitor leaves an e-mail address or phone number, to be answered while nobody is there.
 * @module
 */
import { z } from 'zod';

/**
 * An e-mail address, a phone number (any common format: the server stores it in E.164, reading a number without a
 * country code as one of the widget's default country), or both.
 */
export const contactUpdateSchema = z
  .object({
    email: z.email('That is not an e-mail address.').max(254).optional(),
    phone: z.string().trim().min(3, 'That is not a phone number.').max(40).optional(),
  })
  .refine((update) => update.email !== undefined || update.phone !== undefined, 'Give an e-mail address or a phone number.');
/** The visitor leaves an e-mail address or phone number. */
export type ContactUpdate = z.infer<typeof contactUpdateSchema>;
