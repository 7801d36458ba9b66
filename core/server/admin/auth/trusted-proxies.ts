import { parseIPv4, parseIPv6 } from '../../../http/ip-ranges.ts';

/** A parsed CIDR: IPv4 as one 32-bit word, IPv6 as eight 16-bit words. */
type Cidr = { v: 4; net: number; bits: number } | { v: 6; words: number[]; bits: number };

/** Which peers may tell us the original scheme (`X-Forwarded-Proto`). */
export interface TrustedProxies {
  trusts(peerIp: string | undefined): boolean;
}

const DEFAULT = ['127.0.0.0/8', '::1/128'];

/**
 * Trusted reverse proxies from `SWITCHYARD_TRUSTED_PROXIES` (comma-separated IPs or CIDRs), or
 * loopback when unset: a proxy on the same machine is the usual TLS terminator. Invalid entries
 * are ignored (never widen trust by accident).
 */
export function loadTrustedProxies(env: Record<string, string | undefined>): TrustedProxies {
  const list = env.SWITCHYARD_TRUSTED_PROXIES?.split(',').map((s) => s.trim()).filter(Boolean) ?? DEFAULT;
  const cidrs = list.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  return {
    trusts(peer) {
      if (!peer) return false;
      const ip = unmapV4(peer);
      return cidrs.some((c) => contains(c, ip));
    },
  };
}

function unmapV4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

function parseCidr(text: string): Cidr | undefined {
  const [addr, bitsText] = text.split('/');
  if (!addr) return undefined;
  const v4 = /^\d+(\.\d+){3}$/.test(addr) ? parseIPv4(addr) : undefined;
  if (v4 !== undefined) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    return Number.isInteger(bits) && bits >= 0 && bits <= 32 ? { v: 4, net: v4, bits } : undefined;
  }
  const v6 = parseIPv6(addr);
  if (!v6) return undefined;
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  return Number.isInteger(bits) && bits >= 0 && bits <= 128 ? { v: 6, words: v6, bits } : undefined;
}

function contains(c: Cidr, ip: string): boolean {
  if (c.v === 4) {
    const n = /^\d+(\.\d+){3}$/.test(ip) ? parseIPv4(ip) : undefined;
    if (n === undefined) return false;
    const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
    return ((n & mask) >>> 0) === ((c.net & mask) >>> 0);
  }
  const w = parseIPv6(ip);
  if (!w) return false;
  for (let i = 0, left = c.bits; i < 8 && left > 0; i++, left -= 16) {
    const mask = left >= 16 ? 0xffff : (0xffff << (16 - left)) & 0xffff;
    if ((w[i]! & mask) !== (c.words[i]! & mask)) return false;
  }
  return true;
}
