import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { PluginContext } from '../../../core/plugin/types.ts';
import { anyContains, parseCidr, type Cidr } from './cidr.ts';
import type { IpFilterConfig } from './plugin.ts';
import { resolveClientIp } from './resolve-client-ip.ts';

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

/** Setup of the ip-filter plugin: the request guard that checks the client address. */
export function setupIpFilter(ctx: PluginContext<IpFilterConfig>): void {
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
}
