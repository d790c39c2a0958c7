/**
 * What an IP address is, for the outbound guard (plugins/outbound.ts), and which ones `PARLEY_OUTBOUND_ALLOW` lets
 * Parley reach: ranges are classified by ipaddr.js, IPv4 forms hidden in IPv6 (mapped, NAT64, 6to4) by the IPv4
 * address they lead to.
 * @module
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * What an address is, for the guard. `public` is fetched; `loopback`, `private` (RFC 1918, carrier-grade NAT
 * 100.64/10, IPv6 unique-local) and `linklocal` (169.254/16 with the metadata service, fe80::/10) only when
 * `PARLEY_OUTBOUND_ALLOW` names them or a range holding them; `reserved` (documentation, benchmarking, 240/4, …) only
 * through a range; `unspecified`, `multicast` and `broadcast` never, as no web server answers there (0.0.0.0 reaches
 * this machine on Linux).
 */
export type AddressCategory = 'public' | 'loopback' | 'private' | 'linklocal' | 'reserved' | 'unspecified' | 'multicast' | 'broadcast';

/** The named categories `PARLEY_OUTBOUND_ALLOW` accepts besides CIDR ranges. */
export const OUTBOUND_ALLOW_NAMES = ['loopback', 'private', 'linklocal'] as const;

/** A parsed `PARLEY_OUTBOUND_ALLOW`: named categories and address ranges that outbound requests may reach. */
export interface OutboundAllowance {
  categories: ReadonlyArray<(typeof OUTBOUND_ALLOW_NAMES)[number]>;
  /** `[network, prefix length]` pairs; an IPv4-mapped IPv6 range is stored as its IPv4 range. */
  ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

/** Allows nothing beyond public addresses: the default. */
export const NO_OUTBOUND_ALLOWANCE: OutboundAllowance = { categories: [], ranges: [] };

const NEVER_ALLOWED: ReadonlySet<AddressCategory> = new Set(['unspecified', 'multicast', 'broadcast']);

function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const [address = '', prefixText] = text.split('/');
  // ipaddr.js also reads "10" and "0x0a.0.0.1" as IPv4; in a setting such a typo must fail, not allow 0.0.0.10.
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !ipaddr.IPv6.isValid(address)) throw new TypeError(`${text} is not an address`);
  const [network, prefix] = ipaddr.parseCIDR(prefixText === undefined ? `${address}/${address.includes(':') ? 128 : 32}` : text);
  // Addresses are compared after IPv4-mapped IPv6 is unwrapped, so a mapped range must be unwrapped too.
  if (network instanceof ipaddr.IPv6 && network.isIPv4MappedAddress() && prefix >= 96) return [network.toIPv4Address(), prefix - 96];
  return [network, prefix];
}

/**
 * Parses a comma-separated allowance: `loopback`, `private`, `linklocal`, IP addresses and CIDR ranges
 * (`10.20.0.0/16,fd00::/8`). Throws a `TypeError` naming the first entry it can't read.
 */
export function parseOutboundAllowance(entries: string | readonly string[]): OutboundAllowance {
  const list = (typeof entries === 'string' ? entries.split(',') : entries).map((entry) => entry.trim()).filter(Boolean);
  const categories: Array<OutboundAllowance['categories'][number]> = [];
  const ranges: Array<OutboundAllowance['ranges'][number]> = [];
  for (const entry of list) {
    const name = entry.toLowerCase();
    if ((OUTBOUND_ALLOW_NAMES as readonly string[]).includes(name)) {
      categories.push(name as OutboundAllowance['categories'][number]);
      continue;
    }
    try {
      ranges.push(parseRange(entry));
    } catch {
      throw new TypeError(`"${entry}" is neither ${OUTBOUND_ALLOW_NAMES.join(', ')} nor an IP address or CIDR range`);
    }
  }
  return { categories, ranges };
}

/** `PARLEY_OUTBOUND_ALLOW`: a comma-separated list of `loopback`, `private`, `linklocal`, addresses and CIDR ranges. */
export const outboundAllowanceSchema = z
  .string()
  .trim()
  .transform((text, context): OutboundAllowance => {
    try {
      return parseOutboundAllowance(text);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: `PARLEY_OUTBOUND_ALLOW must be a comma-separated list of loopback, private, linklocal and CIDR ranges (e.g. loopback,10.20.0.0/16): ${(error as Error).message}`,
      });
      return z.NEVER;
    }
  });

function categoryOfIPv4(address: ipaddr.IPv4): AddressCategory {
  switch (address.range() as string) {
    case 'unicast':
    // AS112 and AMT relays are anycast services on the public internet.
    case 'as112':
    case 'amt':
      return 'public';
    case 'loopback':
      return 'loopback';
    case 'private':
    case 'carrierGradeNat':
      return 'private';
    case 'linkLocal':
      return 'linklocal';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    case 'broadcast':
      return 'broadcast';
    default:
      return 'reserved';
  }
}

/** The IPv4 address in bits 16–47 of a 6to4 address (2002:AABB:CCDD::/48 carries AA.BB.CC.DD). */
function sixToFourAddress(address: ipaddr.IPv6): ipaddr.IPv4 {
  const [, high = 0, low = 0] = address.parts;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The IPv4 address in the last 32 bits (NAT64 64:ff9b::/96, IPv4-translated ::ffff:0:0:0/96). */
function trailingIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const high = address.parts[6] ?? 0;
  const low = address.parts[7] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function categoryOfIPv6(address: ipaddr.IPv6): { category: AddressCategory; embedded?: ipaddr.IPv4 } {
  // IPv4-compatible addresses (::/96, deprecated by RFC 4291 but still parsed by resolvers and sockets): ::7f00:1 is
  // 127.0.0.1. ipaddr.js calls them unicast; judged by their IPv4 address like the mapped ones (:: and ::1 aside).
  if (address.parts.slice(0, 6).every((part) => part === 0) && (address.parts[6] !== 0 || (address.parts[7] ?? 0) > 1)) {
    const embedded = trailingIPv4(address);
    return { category: categoryOfIPv4(embedded), embedded };
  }
  // As a string: the type definitions lag behind the ranges ipaddr.js knows (deprecatedSiteLocal, segmentRouting, …).
  switch (address.range() as string) {
    case 'unicast':
    case 'as112v6':
    case 'amt':
      return { category: 'public' };
    case 'loopback':
      return { category: 'loopback' };
    case 'uniqueLocal':
    case 'deprecatedSiteLocal':
      return { category: 'private' };
    case 'linkLocal':
      return { category: 'linklocal' };
    case 'unspecified':
      return { category: 'unspecified' };
    case 'multicast':
      return { category: 'multicast' };
    // These carry an IPv4 address that the packet ends up at: 64:ff9b::10.0.0.5 through a NAT64 gateway is 10.0.0.5.
    // DNS64 hands out such addresses for every IPv4-only site on an IPv6-only network, so they can't all be refused.
    case 'rfc6052': {
      const isWellKnownPrefix =
        address.parts[0] === 0x64 && address.parts[1] === 0xff9b && address.parts.slice(2, 6).every((part) => part === 0);
      // 64:ff9b:1::/48 is for local translation (RFC 8215): an internal network.
      if (!isWellKnownPrefix) return { category: 'private' };
      const embedded = trailingIPv4(address);
      return { category: categoryOfIPv4(embedded), embedded };
    }
    case 'rfc6145': {
      const embedded = trailingIPv4(address);
      return { category: categoryOfIPv4(embedded), embedded };
    }
    case '6to4': {
      const embedded = sixToFourAddress(address);
      return { category: categoryOfIPv4(embedded), embedded };
    }
    default:
      // Teredo (its IPv4 address is obfuscated), discard, documentation, ORCHID and the like: nothing to crawl.
      return { category: 'reserved' };
  }
}

/**
 * The category of an IP address; IPv4-mapped IPv6 (`::ffff:10.0.0.5`) and IPv6 forms that embed an IPv4 destination
 * (NAT64, 6to4) are judged by that IPv4 address. Throws a `TypeError` for something that isn't an IP address.
 */
export function classifyAddress(address: string): AddressCategory {
  return judge(address).category;
}

function judge(address: string): { category: AddressCategory; parsed: ipaddr.IPv4 | ipaddr.IPv6; embedded?: ipaddr.IPv4 } {
  if (!ipaddr.isValid(address)) throw new TypeError(`${address} is not an IP address`);
  // process() unwraps IPv4-mapped IPv6, so ::ffff:127.0.0.1 is judged as 127.0.0.1.
  const parsed = ipaddr.process(address);
  if (parsed instanceof ipaddr.IPv4) return { category: categoryOfIPv4(parsed), parsed };
  return { ...categoryOfIPv6(parsed), parsed };
}

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, [network, prefix]: readonly [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  if (address instanceof ipaddr.IPv4) return network instanceof ipaddr.IPv4 && address.match(network, prefix);
  return network instanceof ipaddr.IPv6 && address.match(network, prefix);
}

/**
 * Whether outbound requests may connect to `address` under `allowance`: public addresses always, the other categories
 * when named or inside an allowed range, unspecified/multicast/broadcast never. Returns the category that refused it,
 * or null when it may be reached.
 */
export function refusedCategory(address: string, allowance: OutboundAllowance): AddressCategory | null {
  const { category, parsed, embedded } = judge(address);
  if (category === 'public') return null;
  if (NEVER_ALLOWED.has(category)) return category;
  if ((allowance.categories as readonly string[]).includes(category)) return null;
  if (allowance.ranges.some((range) => inRange(parsed, range) || (embedded !== undefined && inRange(embedded, range)))) return null;
  return category;
}

const CATEGORY_WORDS: Record<Exclude<AddressCategory, 'public'>, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private address',
  linklocal: 'a link-local address (where cloud metadata services live)',
  reserved: 'a reserved address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
};

/**
 * Why `address` (what `host` resolved to, or `host` itself) is refused, in words for the site owner who typed it:
 * "help.example.com resolves to 10.0.0.5, a private address; Parley doesn't fetch private addresses unless
 * PARLEY_OUTBOUND_ALLOW says so."
 */
export function describeRefusal(host: string, address: string, category: Exclude<AddressCategory, 'public'>): string {
  const where = host === address ? `${host} is ${CATEGORY_WORDS[category]}` : `${host} resolves to ${address}, ${CATEGORY_WORDS[category]}`;
  const unless = NEVER_ALLOWED.has(category)
    ? `Parley never fetches ${category} addresses`
    : category === 'reserved'
      ? "Parley doesn't fetch reserved addresses unless PARLEY_OUTBOUND_ALLOW lists a range holding them"
      : `Parley doesn't fetch ${category === 'linklocal' ? 'link-local' : category} addresses unless PARLEY_OUTBOUND_ALLOW says so`;
  return `${where}; ${unless}.`;
}
