/**
 * `contact:update`: the visitor leaves an e-mail address or phone number, to be answered while nobody is there.
 * `contact:identify` and the handshake's `identity`: the site's page says who the visitor is.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';

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

/** The longest name a page may give for its visitor. */
export const VISITOR_NAME_MAX_LENGTH = 200;

/** The fields of {@link contactIdentifySchema}, each on its own: a name, an e-mail address, a phone number. */
const identityFields = {
  /** The visitor's name, trimmed: 1–200 characters, no NUL or unpaired surrogate (Postgres stores it unchanged). */
  name: storableTextSchema(VISITOR_NAME_MAX_LENGTH).min(1, 'Give a name.'),
  /** An e-mail address (the server stores it trimmed and lower-cased). */
  email: z.string().trim().pipe(z.email('That is not an e-mail address.').max(254)),
  /**
   * A phone number in any common format; the server keeps it only if libphonenumber-js reads it as a valid number (one
   * without a country code as one of the widget's default country), and stores it in E.164.
   */
  phone: z.string().trim().min(3, 'That is not a phone number.').max(40),
  /**
   * An identity token: a JWT the site's server signed (identity verification, docs/identity-verification.md). The
   * server verifies it and the visitor continues as the contact it names; forged, expired or replayed ones are refused
   * (`identity_invalid`, `identity_expired`, `identity_replayed`).
   */
  token: z.string().min(1).max(8192),
};

/**
 * `contact:identify`: who the visitor is, as the site's page says (`ParleyClient.identify`): a name, an e-mail address,
 * a phone number, an identity token, at least one. The details are unverified: whoever controls the page can claim any
 * of them. The server stores the fields given on the visitor's contact, overwriting what it held, without a status
 * line in the conversation. A token is verified: refused with a typed error, or accepted, and then the server
 * disconnects the socket after its answer, so that the client's next handshake continues as the verified contact
 * (the details given with a token are ignored: the token's own are stored).
 */
export const contactIdentifySchema = z
  .object({
    name: identityFields.name.optional(),
    email: identityFields.email.optional(),
    phone: identityFields.phone.optional(),
    token: identityFields.token.optional(),
  })
  .refine(
    (identity) =>
      identity.name !== undefined || identity.email !== undefined || identity.phone !== undefined || identity.token !== undefined,
    'Give a name, an e-mail address, a phone number or an identity token.',
  );
/** Who the visitor is, as the page says: `contact:identify`'s payload and the handshake's `identity`. */
export type ContactIdentify = z.infer<typeof contactIdentifySchema>;

/**
 * The handshake's `identity`, read leniently like the rest of where the visitor is: a field that is not valid is
 * dropped, and an `identity` that is no object, or keeps no field, is none. Never a reason to refuse the connection:
 * a `token` the server refuses leaves the visitor as they were, and `session:get` says why (`session.identity`).
 */
export const handshakeIdentitySchema = z
  .object({
    name: identityFields.name.optional().catch(undefined),
    email: identityFields.email.optional().catch(undefined),
    phone: identityFields.phone.optional().catch(undefined),
    token: identityFields.token.optional().catch(undefined),
  })
  .transform((identity) => {
    const kept: ContactIdentity = {};
    if (identity.name !== undefined) kept.name = identity.name;
    if (identity.email !== undefined) kept.email = identity.email;
    if (identity.phone !== undefined) kept.phone = identity.phone;
    if (identity.token !== undefined) kept.token = identity.token;
    return Object.keys(kept).length > 0 ? kept : undefined;
  })
  .optional()
  .catch(undefined);

/** The fields of {@link ContactIdentify}, none required: what the handshake's `identity` keeps. */
export type ContactIdentity = { name?: string; email?: string; phone?: string; token?: string };

/**
 * `contact:identify`'s ack: the contact's details as now stored (the phone in E.164), null where it has none; with an
 * identity token, the details the token carries, which the reconnect stores.
 */
export interface ContactIdentified {
  name: string | null;
  email: string | null;
  phone: string | null;
}
