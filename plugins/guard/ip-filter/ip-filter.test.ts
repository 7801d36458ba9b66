import { describe, expect, test } from 'bun:test';
import { cidrContains, parseAddress, parseCidr } from './cidr.ts';
import { resolveClientIp } from './resolve-client-ip.ts';

const inNet = (net: string, ip: string) => cidrContains(parseCidr(net)!, parseAddress(ip)!);

describe('cidr', () => {
  test('IPv4 networks, single hosts and mapped addresses', () => {
    expect(inNet('10.0.0.0/8', '10.200.3.4')).toBe(true);
    expect(inNet('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(inNet('192.168.1.7', '192.168.1.7')).toBe(true);
    expect(inNet('192.168.1.7', '192.168.1.8')).toBe(false);
    expect(inNet('172.16.0.0/12', '172.31.255.255')).toBe(true);
    expect(inNet('172.16.0.0/12', '172.32.0.0')).toBe(false);
    expect(inNet('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inNet('127.0.0.0/8', '::ffff:127.0.0.1')).toBe(true);
  });

  test('IPv6 networks', () => {
    expect(inNet('2001:db8::/32', '2001:db8:1234::1')).toBe(true);
    expect(inNet('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(inNet('::1', '::1')).toBe(true);
    expect(inNet('::1/128', '::2')).toBe(false);
    expect(inNet('fe80::/10', 'fe80::1%eth0')).toBe(true);
    expect(inNet('2001:db8:abcd:12::/63', '2001:db8:abcd:13::1')).toBe(true);
    expect(inNet('2001:db8:abcd:12::/64', '2001:db8:abcd:13::1')).toBe(false);
    expect(inNet('::/0', '10.0.0.1')).toBe(true);
  });

  test('invalid input', () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'host.example', '::1/129', '1.2.3.4/8/9', '10.0.0.0/x', '']) {
      expect(parseCidr(bad)).toBeUndefined();
    }
    expect(parseAddress('127.1')).toBeUndefined();
  });
});

describe('client address behind proxies', () => {
  const trusted = ['10.0.0.0/8', '::1'].map((s) => parseCidr(s)!);
  const fmt = (w: readonly number[] | undefined) => w?.join(':');

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy', () => {
    expect(fmt(resolveClientIp('203.0.113.5', '198.51.100.1', trusted))).toBe(fmt(parseAddress('203.0.113.5')));
    expect(fmt(resolveClientIp('10.1.1.1', '198.51.100.1', trusted))).toBe(fmt(parseAddress('198.51.100.1')));
    expect(fmt(resolveClientIp('10.1.1.1', null, trusted))).toBe(fmt(parseAddress('10.1.1.1')));
    expect(fmt(resolveClientIp('10.1.1.1', '198.51.100.1', []))).toBe(fmt(parseAddress('10.1.1.1')));
  });

  test('read from the right, skipping trusted hops; a spoofed left entry does not matter', () => {
    expect(fmt(resolveClientIp('10.0.0.2', '1.1.1.1, 198.51.100.7, 10.0.0.9', trusted))).toBe(fmt(parseAddress('198.51.100.7')));
    expect(fmt(resolveClientIp('::1', '10.0.0.3, 10.0.0.4', trusted))).toBe(fmt(parseAddress('10.0.0.3')));
    expect(resolveClientIp('10.0.0.2', 'garbage, 10.0.0.9', trusted)).toBeUndefined();
    expect(fmt(resolveClientIp('10.0.0.2', '2001:db8::5', trusted))).toBe(fmt(parseAddress('2001:db8::5')));
    expect(resolveClientIp(undefined, '1.2.3.4', trusted)).toBeUndefined();
  });
});
