import { describe, expect, it } from 'vitest';
import { classifyAddress, parseOutboundAllowance, refusedCategory } from './outbound-address.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.45.6.7', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.20', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::10.0.0.5', 'private'],
    ['2002:0a00:0005::1', 'private'],
    ['169.254.169.254', 'linklocal'],
    ['169.254.0.1', 'linklocal'],
    ['fe80::1', 'linklocal'],
    ['fe80::1%eth0', 'linklocal'],
    ['::ffff:169.254.169.254', 'linklocal'],
    ['::a9fe:a9fe', 'linklocal'],
    ['::7f00:1', 'loopback'],
    ['::10.0.0.5', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s as %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
    expect(refusedCategory(address, parseOutboundAllowance(''))).toBe(category);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '64:ff9b::8.8.8.8',
    '::ffff:8.8.8.8',
    '::8.8.8.8',
  ])('lets the public address %s through', (address) => {
    expect(classifyAddress(address)).toBe('public');
    expect(refusedCategory(address, parseOutboundAllowance(''))).toBeNull();
  });

  it('throws for something that is not an address', () => {
    expect(() => classifyAddress('help.example.com')).toThrowError(TypeError);
  });
});

describe('parseOutboundAllowance', () => {
  it('allows named categories and ranges, and nothing else', () => {
    const allowance = parseOutboundAllowance('loopback, 10.20.0.0/16,fd00:1::/32, 192.168.7.7');
    expect(refusedCategory('127.0.0.1', allowance)).toBeNull();
    expect(refusedCategory('::1', allowance)).toBeNull();
    expect(refusedCategory('10.20.3.4', allowance)).toBeNull();
    expect(refusedCategory('::ffff:10.20.3.4', allowance)).toBeNull();
    expect(refusedCategory('10.21.0.1', allowance)).toBe('private');
    expect(refusedCategory('fd00:1::5', allowance)).toBeNull();
    expect(refusedCategory('fd00:2::5', allowance)).toBe('private');
    expect(refusedCategory('192.168.7.7', allowance)).toBeNull();
    expect(refusedCategory('192.168.7.8', allowance)).toBe('private');
    expect(refusedCategory('169.254.169.254', allowance)).toBe('linklocal');
  });

  it('reads an IPv4-mapped IPv6 range as the IPv4 range it maps', () => {
    const allowance = parseOutboundAllowance(['::ffff:10.1.0.0/112']);
    expect(refusedCategory('10.1.2.3', allowance)).toBeNull();
    expect(refusedCategory('10.2.0.1', allowance)).toBe('private');
  });

  it('never allows unspecified, multicast or broadcast addresses, whatever the ranges say', () => {
    const allowance = parseOutboundAllowance('0.0.0.0/0,::/0,private,loopback,linklocal');
    expect(refusedCategory('0.0.0.0', allowance)).toBe('unspecified');
    expect(refusedCategory('224.0.0.251', allowance)).toBe('multicast');
    expect(refusedCategory('255.255.255.255', allowance)).toBe('broadcast');
    expect(refusedCategory('::', allowance)).toBe('unspecified');
    expect(refusedCategory('192.0.2.1', allowance)).toBeNull();
  });

  it('names the entry it cannot read', () => {
    expect(() => parseOutboundAllowance('loopback,intranet')).toThrowError(
      /"intranet" is neither loopback, private, linklocal nor an IP address or CIDR range/,
    );
    expect(() => parseOutboundAllowance('10.0.0.0/33')).toThrowError(/10\.0\.0\.0\/33/);
    // ipaddr.js alone would read these as 0.0.0.10 and 10.0.0.1.
    expect(() => parseOutboundAllowance('10/8')).toThrowError(/"10\/8"/);
    expect(() => parseOutboundAllowance('0x0a.0.0.1')).toThrowError(/"0x0a\.0\.0\.1"/);
  });
});
