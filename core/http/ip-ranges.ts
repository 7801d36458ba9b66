/**
 * IP address parsing and classification for the SSRF guard. Pure functions, no I/O.
 *
 * @see https://www.iana.org/assignments/iana-ipv4-special-registry/
 * @see https://www.iana.org/assignments/iana-ipv6-special-registry/
 * @see https://url.spec.whatwg.org/#concept-ipv4-parser
 */

/**
 * What an address may be used for:
 * - `blocked`: never (cloud metadata, link-local, unspecified, multicast, broadcast, reserved);
 * - `private`: only when the caller opts in (loopback, RFC 1918, CGNAT, ULA);
 * - `public`: always.
 */
export type AddressClass = 'public' | 'private' | 'blocked';

const RANK: Record<AddressClass, number> = { public: 0, private: 1, blocked: 2 };

/** The stricter of two classes; used to fold the classes of every resolved address. */
export function worstClass(a: AddressClass, b: AddressClass): AddressClass {
  return RANK[a] >= RANK[b] ? a : b;
}

/** [network, mask, class]; first match wins, so the specific entries come first. */
const V4_TABLE: ReadonlyArray<readonly [number, number, AddressClass]> = [
  v4Entry('100.100.100.200', 32, 'blocked'), // Alibaba Cloud metadata (inside CGNAT)
  v4Entry('168.63.129.16', 32, 'blocked'), // Azure WireServer (host-only: VM extension config, a public address)
  v4Entry('0.0.0.0', 8, 'blocked'), // "this network"; 0.0.0.0 reaches localhost on Linux
  v4Entry('169.254.0.0', 16, 'blocked'), // link-local, holds 169.254.169.254 metadata
  v4Entry('224.0.0.0', 4, 'blocked'), // multicast
  v4Entry('240.0.0.0', 4, 'blocked'), // reserved, holds 255.255.255.255 broadcast
  v4Entry('127.0.0.0', 8, 'private'), // loopback
  v4Entry('10.0.0.0', 8, 'private'),
  v4Entry('172.16.0.0', 12, 'private'),
  v4Entry('192.168.0.0', 16, 'private'),
  v4Entry('100.64.0.0', 10, 'private'), // carrier-grade NAT
  v4Entry('192.0.0.0', 24, 'private'), // IETF protocol assignments
];

function v4Entry(ip: string, bits: number, cls: AddressClass): readonly [number, number, AddressClass] {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [(parseIPv4(ip)! & mask) >>> 0, mask, cls];
}

/**
 * Parses an IPv4 address in any form the WHATWG URL parser and `inet_aton` accept:
 * dotted quad, fewer parts (`127.1`), a single number (`2130706433`), hex (`0x7f.1`) and octal
 * (`0177.0.0.1`) parts. Returns the address as an unsigned 32-bit number, or `undefined` when
 * the text is not an IPv4 address (a hostname, an IPv6 address, an out-of-range value).
 */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const n = parseIPv4Part(p);
    if (n === undefined) return undefined;
    nums.push(n);
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 256 ** (4 - nums.length)) return undefined;
  let value = last;
  for (let i = 0; i < nums.length; i++) value += nums[i] * 256 ** (3 - i);
  return value >>> 0;
}

function parseIPv4Part(p: string): number | undefined {
  if (p === '') return undefined;
  if (/^0x[0-9a-f]*$/i.test(p)) return p.length === 2 ? 0 : parseInt(p.slice(2), 16);
  if (/^0[0-7]+$/.test(p)) return parseInt(p.slice(1), 8);
  if (/^(0|[1-9][0-9]*)$/.test(p)) return Number(p);
  return undefined;
}

/** Formats an unsigned 32-bit IPv4 address as a dotted quad. */
export function formatIPv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Parses an IPv6 address (optionally in brackets, with a `%zone`, with an embedded dotted
 * IPv4 tail) into eight 16-bit words. Returns `undefined` for anything else.
 */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]);
  const tail = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  const groups = s.split(':');
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (i === groups.length - 1 && g.includes('.')) {
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(g)) return undefined;
      const v4 = parseIPv4(g);
      if (v4 === undefined) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (/^[0-9a-f]{1,4}$/i.test(g)) {
      out.push(parseInt(g, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** Classifies an IPv4 address given as an unsigned 32-bit number. */
export function classifyIPv4(ip: number): AddressClass {
  for (const [net, mask, cls] of V4_TABLE) if ((ip & mask) >>> 0 === net) return cls;
  return 'public';
}

/**
 * Classifies an IPv6 address given as eight words. Forms that carry an IPv4 address
 * (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
 * are judged by that IPv4 address, so `::ffff:169.254.169.254` is as blocked as the original.
 */
export function classifyIPv6(w: readonly number[]): AddressClass {
  const v4 = embeddedIPv4(w);
  if (v4 !== undefined) return classifyIPv4(v4);
  const zeroPrefix = w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0 && w[4] === 0 && w[5] === 0;
  if (zeroPrefix && w[6] === 0 && w[7] <= 1) return w[7] === 1 ? 'private' : 'blocked'; // ::1, ::
  if (w[0] === 0xfd00 && w[1] === 0x0ec2 && w.slice(2, 7).every((x) => x === 0) && w[7] === 0x254) {
    return 'blocked'; // AWS metadata over IPv6 (fd00:ec2::254)
  }
  if ((w[0] & 0xff00) === 0xff00) return 'blocked'; // multicast ff00::/8
  if ((w[0] & 0xffc0) === 0xfe80) return 'blocked'; // link-local fe80::/10
  if (w[0] === 0x0100 && w[1] === 0 && w[2] === 0 && w[3] === 0) return 'blocked'; // discard 100::/64
  if ((w[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local fec0::/10
  if ((w[0] & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if (w[0] === 0x0064 && w[1] === 0xff9b && w[2] === 1) return 'private'; // local-use NAT64 64:ff9b:1::/48
  return 'public';
}

function embeddedIPv4(w: readonly number[]): number | undefined {
  const join = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && w[5] === 0xffff) return join(w[6], w[7]); // ::ffff:a.b.c.d
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return join(w[6], w[7]); // ::ffff:0:a.b.c.d
  if (zeros(0, 6) && (w[6] !== 0 || w[7] > 1)) return join(w[6], w[7]); // ::a.b.c.d
  if (w[0] === 0x0064 && w[1] === 0xff9b && zeros(2, 6)) return join(w[6], w[7]); // NAT64
  if (w[0] === 0x2002) return join(w[1], w[2]); // 6to4
  return undefined;
}

/**
 * Classifies an IP literal in any accepted IPv4 or IPv6 form. Returns `undefined` when the
 * text is not an IP address (then it is a hostname and must be resolved first).
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return classifyIPv4(v4);
  const v6 = parseIPv6(text);
  return v6 === undefined ? undefined : classifyIPv6(v6);
}
