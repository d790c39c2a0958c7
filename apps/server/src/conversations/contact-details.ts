/**
 * A visitor's e-mail address and phone number as Parley stores them: the address trimmed and lower-cased, the phone in
 * E.164, parsed with libphonenumber-js, reading a number written without a country code as one of the widget's
 * default country. One path for the widget's follow-up form, the page's `identify` and the bot's `collect_contact` tool.
 * @module
 */
import { ParleyError } from '@parley/protocol';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The phone number, parsed: E.164 and its national part; null when it is not a valid number. */
export function parsePhone(raw: string, defaultCountry: string | undefined): { e164: string; national: string } | null {
  const phone = parsePhoneNumberFromString(raw, defaultCountry as CountryCode | undefined);
  return phone?.isValid() ? { e164: phone.number, national: phone.nationalNumber } : null;
}

/** What to say when {@link parsePhone} refused a number. */
export function invalidPhoneMessage(defaultCountry: string | undefined): string {
  return `The phone number is not valid${defaultCountry ? '' : ' (include the country code, e.g. +1)'}.`;
}

/** An e-mail address as stored: trimmed and lower-cased, so that one person is one address. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** A name, e-mail address and/or phone number as stored on a contact. */
export interface ContactDetails {
  name?: string;
  email?: string;
  phone?: string;
}

/**
 * The details as stored: the name as given (the protocol's schemas trim it), the address normalized, the phone in
 * E.164, read with {@link parsePhone}. A phone number that is not one is left out and named in `refused`.
 */
export function storableContactDetails(
  input: ContactDetails,
  defaultCountry: string | undefined,
): { values: ContactDetails; refused: Array<{ path: string; message: string }> } {
  const values: ContactDetails = {};
  const refused: Array<{ path: string; message: string }> = [];
  if (input.name !== undefined) values.name = input.name;
  if (input.email !== undefined) values.email = normalizeEmail(input.email);
  if (input.phone !== undefined) {
    const phone = parsePhone(input.phone, defaultCountry);
    if (phone) values.phone = phone.e164;
    else refused.push({ path: 'phone', message: invalidPhoneMessage(defaultCountry) });
  }
  return { values, refused };
}

/** {@link storableContactDetails}, refusing a phone number that is not one with `invalid_payload` naming `phone`. */
export function contactDetailsOrRefuse(input: ContactDetails, defaultCountry: string | undefined): ContactDetails {
  const { values, refused } = storableContactDetails(input, defaultCountry);
  if (refused.length > 0) throw new ParleyError('invalid_payload', refused[0]!.message, { issues: refused });
  return values;
}
