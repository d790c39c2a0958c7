import { contacts } from '@parley/db';
import { eq } from 'drizzle-orm';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { defineTool, ToolInputError } from './registry.js';

/**
 * Stores the visitor's name, e-mail and/or phone on their contact. Phone numbers are parsed with libphonenumber-js
 * (with the widget's default country for numbers without a country code) and stored in E.164; an invalid one comes
 * back as a tool error so the model can ask again.
 */
export const collectContact = defineTool({
  name: 'collect_contact',
  description:
    "Save the visitor's contact details when they give them: name, e-mail address and/or phone number. Only pass what " +
    'the visitor actually wrote. Returns what was saved, or an error to relay to the visitor.',
  input: z
    .object({
      name: z.string().trim().min(1).max(200).optional(),
      email: z.email().max(254).optional(),
      phone: z.string().trim().min(3).max(40).optional(),
    })
    .refine((input) => input.name !== undefined || input.email !== undefined || input.phone !== undefined, 'Give at least one field.'),
  handler: async (input, context) => {
    const values: { name?: string; email?: string; phone?: string } = {};
    if (input.name !== undefined) values.name = input.name;
    if (input.email !== undefined) values.email = input.email.toLowerCase();
    if (input.phone !== undefined) {
      const phone = parsePhoneNumberFromString(input.phone, context.defaultCountry as CountryCode | undefined);
      if (!phone || !phone.isValid()) {
        throw new ToolInputError(
          `"${input.phone}" is not a valid phone number${context.defaultCountry ? '' : ' (include the country code, e.g. +1)'}.`,
        );
      }
      values.phone = phone.number;
    }
    await context.db.update(contacts).set(values).where(eq(contacts.id, context.contactId));
    return { saved: values };
  },
});
