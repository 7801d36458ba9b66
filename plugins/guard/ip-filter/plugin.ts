import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { anyContains, parseCidr, type Cidr } from './cidr.ts';
import { resolveClientIp } from './resolve-client-ip.ts';

const CidrText = v.pipe(v.string(), v.check((s) => parseCidr(s) !== undefined, 'not an IP address or CIDR network (10.0.0.0/8, 2001:db8::/32)'));
const Lists = { allow: v.optional(v.array(CidrText), []), deny: v.optional(v.array(CidrText), []) };

/** The `ip-filter:` entry of `plugins:`. */
export const IpFilterConfigSchema = v.object({
  /** Networks allowed to call the gateway; empty means everyone not denied. */
  ...Lists,
  /** Proxies whose `X-Forwarded-For` is believed (the socket peer must be one of them). */
  trusted_proxies: v.optional(v.array(CidrText), []),
  /** Separate lists for the admin surface (`/api/*`, `/metrics`, dashboard, docs); default: the lists above. */
  api: v.optional(v.object(Lists)),
});

export type IpFilterConfig = v.InferOutput<typeof IpFilterConfigSchema>;

interface CompiledLists {
  allow: Cidr[];
  deny: Cidr[];
}

const compile = (l: { allow: string[]; deny: string[] }): CompiledLists => ({
  allow: l.allow.map((s) => parseCidr(s)!),
  deny: l.deny.map((s) => parseCidr(s)!),
});

/** Gateway lanes; everything else (admin API, metrics, dashboard, docs) is the admin surface. */
function isGatewayPath(path: string): boolean {
  return path === '/v1' || path.startsWith('/v1/') || path.startsWith('/v1beta/');
}

/**
 * IP allow/deny lists (IPv4 and IPv6 CIDR). Runs as a request guard, before routing and before
 * the client key or admin token is looked at, on every path: the gateway lanes use `allow` /
 * `deny`, the admin surface uses `api:` when given. A denial wins over an allow; with an allow
 * list, an unknown address is refused. Refusals are 403 GW_FORBIDDEN in the client's dialect.
 */
export default {
  name: 'ip-filter',
  kind: 'guard',
  apiVersion: 1,
  failMode: 'closed',
  description: 'Allow/deny CIDR lists for /v1 and /api; X-Forwarded-For only from trusted proxies.',
  config: IpFilterConfigSchema,
  setup(ctx) {
    const gateway = compile(ctx.config);
    const adminLists = ctx.config.api ? compile(ctx.config.api) : gateway;
    const trusted = ctx.config.trusted_proxies.map((s) => parseCidr(s)!);
    ctx.provide('requestGuard', {
      check({ request, url, clientIp }) {
        const lists = isGatewayPath(url.pathname) ? gateway : adminLists;
        if (lists.allow.length === 0 && lists.deny.length === 0) return undefined;
        const ip = resolveClientIp(clientIp, request.headers.get('x-forwarded-for'), trusted);
        const denied = ip ? anyContains(lists.deny, ip) : false;
        const allowed = lists.allow.length === 0 || (ip !== undefined && anyContains(lists.allow, ip));
        if (!denied && allowed) return undefined;
        return new GatewayError('GW_FORBIDDEN', 'Requests from this network address are not allowed.', { status: 403 });
      },
    });
  },
} satisfies Plugin<IpFilterConfig>;
