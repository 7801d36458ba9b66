import { describe, expect, test } from 'bun:test';
import { classifyAddress, formatIPv4, parseIPv4, parseIPv6 } from './ip-ranges.ts';

describe('parseIPv4', () => {
  test('every numeric notation of 169.254.169.254', () => {
    for (const form of ['169.254.169.254', '2852039166', '0xA9FEA9FE', '0251.0376.0251.0376', '169.254.43518', '0xa9.0xfe.0xa9.0xfe', '169.254.169.254.']) {
      expect(formatIPv4(parseIPv4(form)!)).toBe('169.254.169.254');
    }
  });
  test('short forms', () => {
    expect(formatIPv4(parseIPv4('127.1')!)).toBe('127.0.0.1');
    expect(formatIPv4(parseIPv4('0x7f.1')!)).toBe('127.0.0.1');
    expect(formatIPv4(parseIPv4('10.1.2')!)).toBe('10.1.0.2');
  });
  test('non-addresses', () => {
    for (const bad of ['example.com', '1.2.3.4.5', '256.1.1.1', '1.2.3.256', '09.1.1.1', '4294967296', '', '1..2', 'a.b.c.d', '::1']) {
      expect(parseIPv4(bad)).toBeUndefined();
    }
  });
});

describe('parseIPv6', () => {
  test('compressed, full, bracketed, zoned and dotted tails', () => {
    expect(parseIPv6('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('[fd00:ec2::254]')).toEqual([0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254]);
    expect(parseIPv6('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::ffff:169.254.169.254')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
  test('invalid forms', () => {
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1.2.3.4', '::1.2.3', '1:2:3:4:5:6:7::8']) {
      expect(parseIPv6(bad)).toBeUndefined();
    }
  });
});

describe('classifyAddress', () => {
  const cases: Array<[string, string]> = [
    ['169.254.169.254', 'blocked'],
    ['169.254.170.2', 'blocked'],
    ['100.100.100.200', 'blocked'],
    ['168.63.129.16', 'blocked'], // Azure WireServer
    ['0.0.0.0', 'blocked'],
    ['0.1.2.3', 'blocked'],
    ['224.0.0.1', 'blocked'],
    ['255.255.255.255', 'blocked'],
    ['fd00:ec2::254', 'blocked'],
    ['fe80::1', 'blocked'],
    ['febf::1', 'blocked'],
    ['ff02::1', 'blocked'],
    ['::', 'blocked'],
    ['::ffff:169.254.169.254', 'blocked'],
    ['::ffff:a9fe:a9fe', 'blocked'],
    ['::a9fe:a9fe', 'blocked'],
    ['64:ff9b::169.254.169.254', 'blocked'],
    ['2002:a9fe:a9fe::1', 'blocked'],
    ['::ffff:0.0.0.0', 'blocked'],
    ['127.0.0.1', 'private'],
    ['127.255.0.9', 'private'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['::1', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['fec0::1', 'private'],
    ['fe7f::1', 'public'],
  ];
  for (const [ip, cls] of cases) test(`${ip} is ${cls}`, () => expect(classifyAddress(ip)).toBe(cls as never));
  test('hostnames are not addresses', () => {
    expect(classifyAddress('api.openai.com')).toBeUndefined();
  });
});
