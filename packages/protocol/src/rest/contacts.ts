/**
 * `/api/contacts/:contactId`: what the console's contact panel shows of a visitor, and the agent's edits of their name,
 * e-mail address and phone number.
 * @module
 */
import { z } from 'zod';
import { authorKindSchema, conversationStatusSchema } from '../models.js';

/** Path parameters of the contact routes. */
export const contactParamsSchema = z.object({ contactId: z.uuid() });

/** A browser or operating system as parsed from the user agent; `version` null when the user agent does not say. */
export const userAgentPartSchema = z.object({ name: z.string(), version: z.string().nullable() });
/** A browser or operating system. */
export type UserAgentPart = z.infer<typeof userAgentPartSchema>;

/** One of the contact's conversations, as the contact panel lists them. */
export const contactConversationSchema = z.object({
  id: z.string(),
  status: conversationStatusSchema,
  createdAt: z.string(),
  /** The last message that is not a system line, cut to a preview; null when there is none. */
  lastMessage: z.object({ body: z.string(), authorKind: authorKindSchema }).nullable(),
});
/** One of the contact's conversations. */
export type ContactConversation = z.infer<typeof contactConversationSchema>;

/**
 * Answer of `GET /api/contacts/:contactId`: who the visitor is and where they were when they last connected. `page`,
 * `referrer`, `timeZone` and `language` are what the SDK reported (null when it did not, or sent something invalid);
 * `browser` and `os` are parsed from the user agent. `conversations` are the newest 20, newest first.
 */
export const contactSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** E.164. */
  phone: z.string().nullable(),
  page: z.string().nullable(),
  referrer: z.string().nullable(),
  browser: userAgentPartSchema.nullable(),
  os: userAgentPartSchema.nullable(),
  /** IANA name (`Europe/Berlin`). */
  timeZone: z.string().nullable(),
  /** BCP 47 tag (`en-GB`). */
  language: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  /** The site's own id for this person, when the site proved who they are (identity verification); else null. */
  externalId: z.string().nullable(),
  /** When the site last proved who this visitor is; null for a visitor who is not verified. */
  verifiedAt: z.string().nullable(),
  conversations: z.array(contactConversationSchema),
});
/** A contact as the console's contact panel shows it. */
export type Contact = z.infer<typeof contactSchema>;

/**
 * Body of `PATCH /api/contacts/:contactId`: any of name, e-mail address and phone number; null clears one. The phone is
 * validated and stored as the widget's follow-up form does (E.164, a number without a country code read as one of the
 * widget's default country); the e-mail address is trimmed and lower-cased.
 */
export const contactEditSchema = z.object({
  name: z.string().trim().min(1, 'Give a name, or clear it.').max(200).nullable().optional(),
  email: z.string().trim().pipe(z.email('That is not an e-mail address.').max(254)).nullable().optional(),
  phone: z.string().trim().min(3, 'That is not a phone number.').max(40).nullable().optional(),
});
/** Body of `PATCH /api/contacts/:contactId`. */
export type ContactEdit = z.infer<typeof contactEditSchema>;

/** The most contacts one page of `GET /api/contacts` holds. */
export const CONTACT_PAGE_MAX = 100;

/**
 * Query of `GET /api/contacts`: the organization's contacts, newest first, filtered by any of `q` (words of the name,
 * the last one as a prefix, or the start of the e-mail address), `email` (exactly, case-insensitively), `phone`
 * (exactly, E.164), `externalId` (the site's id of a verified visitor); `cursor` is the `next` of the previous page.
 * Contacts merged into another are not listed.
 */
export const contactListQuerySchema = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().min(1).max(254).optional(),
  phone: z.string().trim().min(1).max(40).optional(),
  externalId: z.string().min(1).max(255).optional(),
  limit: z.coerce.number().int().min(1).max(CONTACT_PAGE_MAX).default(50),
  cursor: z.string().max(200).optional(),
});
/** Query of `GET /api/contacts`. */
export type ContactListQuery = z.infer<typeof contactListQuerySchema>;

/** One contact in a list: its details, without where it was or its conversations. */
export const contactSummarySchema = contactSchema.pick({
  id: true,
  name: true,
  email: true,
  phone: true,
  language: true,
  externalId: true,
  verifiedAt: true,
  createdAt: true,
  lastSeenAt: true,
});
/** One contact in a list. */
export type ContactSummary = z.infer<typeof contactSummarySchema>;

/** Answer of `GET /api/contacts`: a page, and the cursor of the next one (null after the last). */
export const contactListSchema = z.object({ contacts: z.array(contactSummarySchema), next: z.string().nullable() });
/** Answer of `GET /api/contacts`. */
export type ContactList = z.infer<typeof contactListSchema>;

/**
 * Body of `POST /api/contacts/:contactId/merge`: the contact to merge into the one in the path. Its conversations move
 * over, the details the kept contact lacks are taken from it, and it answers `not_found` from then on; a visitor whose
 * session names it continues as the kept contact. Two contacts the site verified as different people can't be merged
 * (`conflict`).
 */
export const contactMergeSchema = z.object({ mergeContactId: z.uuid() });
/** Body of `POST /api/contacts/:contactId/merge`. */
export type ContactMerge = z.infer<typeof contactMergeSchema>;
