/**
 * A visitor's e-mail address and phone number as Parley stores them: the address trimmed and lower-cased, the phone in
 * E.164, parsed with libphonenumber-js, reading a number written without a country code as one of the widget's
 * default country. One path for the widget's follow-up form and the bot's `collect_contact` tool.
 * @module
 */
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
