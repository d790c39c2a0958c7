import { contacts } from '@parley/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { invalidPhoneMessage, normalizeEmail, parsePhone } from '../../conversations/contact-details.js';
import { defineTool, ToolInputError } from './registry.js';
import { updateContactDetails } from '../../conversations/contact-update.js';

/**
 * Stores the visitor's name, e-mail and/or phone on their contact. Phone numbers are parsed with libphonenumber-js
 * (with the widget's default country for numbers without a country code) and stored in E.164; an invalid one comes
 * back as a tool error so the model can ask again. Only details the visitor wrote are stored: a value that appears in
 * none of their messages (one a knowledge-base document or a confused model made up) is refused.
 */
const notWritten = (field: 'name' | 'e-mail address' | 'phone number') =>
  new ToolInputError(`The visitor did not write this ${field} in this conversation; only save details they gave.`);

/** Each field of the model's input, its value withheld. */
function withheld(input: unknown): unknown {
  if (typeof input !== 'object' || input === null) return null;
  return Object.fromEntries(Object.keys(input).map((key) => [key, '[withheld]']));
}

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
    const visitorText = context.visitorText.toLowerCase();
    const values: { name?: string; email?: string; phone?: string } = {};
    if (input.name !== undefined) {
      if (!visitorText.includes(input.name.toLowerCase())) throw notWritten('name');
      values.name = input.name;
    }
    if (input.email !== undefined) {
      values.email = normalizeEmail(input.email);
      if (!visitorText.includes(values.email)) throw notWritten('e-mail address');
    }
    if (input.phone !== undefined) {
      const phone = parsePhone(input.phone, context.defaultCountry);
      if (!phone) throw new ToolInputError(invalidPhoneMessage(context.defaultCountry));
      // The model may add a country code the visitor left out; the national number must be theirs.
      if (!context.visitorText.replace(/\D/g, '').includes(phone.national)) throw notWritten('phone number');
      values.phone = phone.e164;
    }
    await context.db.transaction((tx) => updateContactDetails(tx, eq(contacts.id, context.contactId), values));
    return { saved: values };
  },
  // What was saved, in the form it was saved; a refused call keeps only which fields the model tried.
  inputToLog: (input, outcome) => (outcome.ok ? (outcome.output as { saved: unknown }).saved : withheld(input)),
});
