import * as v from 'valibot';
import type { Plugin } from '../../../core/plugin/types.ts';
import { parseCidr } from './cidr.ts';

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
  async setup(ctx) {
    // Imported here so a gateway that does not list this plugin does not pay for its code.
    const { setupIpFilter } = await import('./setup-ip-filter.ts');
    setupIpFilter(ctx);
  },
} satisfies Plugin<IpFilterConfig>;
