/**
 * A phone number read as the server reads it (`parsePhone` in the server: libphonenumber-js with its default `min`
 * metadata). A chunk of its own (27 KB gzipped, almost all of it the metadata), loaded by the pre-chat form.
 * @module
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';

/** Whether `value` is a valid phone number: in E.164, or national in `defaultCountry` (ISO 3166-1 alpha-2). */
export function isPhoneNumber(value: string, defaultCountry: string | undefined): boolean {
  return parsePhoneNumberFromString(value, defaultCountry as CountryCode | undefined)?.isValid() ?? false;
}
