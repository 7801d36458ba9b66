import { parseIPv6 } from '../../../core/http/ip-ranges.ts';

/** An address as eight 16-bit words; IPv4 as its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`). */
export type IpWords = readonly number[];

/** A network: the address words and the number of leading bits that must match. */
export interface Cidr {
  words: IpWords;
  bits: number;
  text: string;
}

const DOTTED = /^\d{1,3}(\.\d{1,3}){3}$/;
const DOTTED_TAIL = /:(\d{1,3}(?:\.\d{1,3}){3})(?=$|%|\])/;

/**
 * A dotted quad read in decimal, leading zeros included (`127.0.0.010` is 127.0.0.10, as a
 * person writing an allow list means it, not the octal 127.0.0.8 of `inet_aton`).
 */
function parseDottedDecimal(s: string): number | undefined {
  if (!DOTTED.test(s)) return undefined;
  let value = 0;
  for (const part of s.split('.')) {
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Parses an address as it appears on a socket or in `X-Forwarded-For`: a dotted IPv4 address
 * or any IPv6 form (brackets and a `%zone` allowed). Dotted parts are decimal. Undefined for
 * anything else.
 */
export function parseAddress(text: string): IpWords | undefined {
  const s = text.trim();
  if (DOTTED.test(s)) {
    const v4 = parseDottedDecimal(s);
    return v4 === undefined ? undefined : [0, 0, 0, 0, 0, 0xffff, v4 >>> 16, v4 & 0xffff];
  }
  // An IPv6 form with a dotted tail (`::ffff:10.0.0.010`): the tail in decimal too.
  const tail = DOTTED_TAIL.exec(s);
  if (tail) {
    const v4 = parseDottedDecimal(tail[1]);
    if (v4 === undefined) return undefined;
    const hex = `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
    return parseIPv6(s.slice(0, tail.index + 1) + hex + s.slice(tail.index + tail[0].length));
  }
  return parseIPv6(s);
}

/**
 * Parses `10.0.0.0/8`, `192.168.1.7` (one host), `2001:db8::/32` or `::1`. IPv4 networks also
 * match the same addresses written IPv4-mapped (`::ffff:10.1.2.3`). Undefined when invalid.
 */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, prefix, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined) return undefined;
  const v4 = DOTTED.test(addr);
  const words = parseAddress(addr);
  if (!words) return undefined;
  const max = v4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return undefined;
  const n = prefix === undefined ? max : Number(prefix);
  if (n > max) return undefined;
  return { words, bits: v4 ? 96 + n : n, text: text.trim() };
}

/** True when the address lies in the network. */
export function cidrContains(net: Cidr, ip: IpWords): boolean {
  let left = net.bits;
  for (let i = 0; i < 8 && left > 0; i++) {
    const take = Math.min(16, left);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((net.words[i] & mask) !== (ip[i] & mask)) return false;
    left -= take;
  }
  return true;
}

/** True when any network of the list holds the address. */
export function anyContains(nets: readonly Cidr[], ip: IpWords): boolean {
  for (const n of nets) if (cidrContains(n, ip)) return true;
  return false;
}
