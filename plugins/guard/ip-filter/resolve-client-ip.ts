import { anyContains, parseAddress, type Cidr, type IpWords } from './cidr.ts';

const V4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const V6_WITH_PORT = /^(\[[^\]]+\]):\d{1,5}$/;

/**
 * One `X-Forwarded-For` entry: an address, or an address with a port as some proxies and load
 * balancers write it (`203.0.113.9:51234`, `[2001:db8::7]:443`).
 */
function parseHop(hop: string): IpWords | undefined {
  const withPort = V4_WITH_PORT.exec(hop) ?? V6_WITH_PORT.exec(hop);
  return parseAddress(withPort ? withPort[1] : hop);
}

/**
 * The client's address. `X-Forwarded-For` is believed only when the socket peer is a trusted
 * proxy; then the list is read from the right (the entry our proxy added) and trusted proxies
 * are skipped, so a client cannot choose its address by sending the header itself. The first
 * untrusted entry is the client; when every entry is trusted, the leftmost. Undefined when the
 * address is unknown or the header holds garbage where the client should be.
 */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | null, trusted: readonly Cidr[]): IpWords | undefined {
  const peerIp = peer === undefined ? undefined : parseAddress(peer);
  if (!peerIp || !forwardedFor || trusted.length === 0 || !anyContains(trusted, peerIp)) return peerIp;
  const hops = forwardedFor.split(',').map((h) => h.trim()).filter(Boolean);
  let last: IpWords = peerIp;
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = parseHop(hops[i]);
    if (!ip) return undefined;
    if (!anyContains(trusted, ip)) return ip;
    last = ip;
  }
  return last;
}
