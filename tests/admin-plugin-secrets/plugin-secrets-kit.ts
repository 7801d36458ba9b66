/**
 * A gateway whose plugin configs hold canary secrets in every place a plugin config can hold
 * one: the alerts plugin's webhook URL (path and `?token=`) and headers, the otel plugin's
 * exporter headers, a drop-in plugin's `api_key` / `token` fields and a URL password, and a
 * system prompt quoting a URL with a password. Plus the receivers that show what the plugins
 * really send.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

export const CANARY = {
  hookTeamId: 'T0CANARY01',
  hookPathToken: 'canaryHookPathToken0002',
  hookQueryToken: 'canaryHookQueryToken03',
  hookHeader: 'canaryHookHeaderValue04',
  hookTeamHeader: 'canaryTeam05',
  otelAuth: 'canaryOtelAuthValue0006',
  otelTeam: 'canaryOtel07',
  dropApiKey: 'canaryDropApiKey000008',
  dropToken: 'canaryTok09',
  dropUrlPassword: 'canaryDropPass10',
  promptPassword: 'canaryPromptPass11',
  fromEnv: 'canaryFromEnvValue0012',
  dropQueryKey: 'canaryDropQueryKey13',
} as const;

/** What one receiver got: path with query, headers (lower-case names) and body text. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A local HTTP server recording every request (the alert webhook, the OTLP collector). */
export function startReceiver() {
  const got: Received[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1', port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      got.push({ path: url.pathname + url.search, headers: Object.fromEntries(req.headers), body: await req.text() });
      return new Response('ok');
    },
  });
  return {
    origin: `http://127.0.0.1:${server.port}`, got,
    /** The first request after the first `from` ones that matches, polled up to `ms`. */
    async next(from: number, match: (r: Received) => boolean = () => true, ms = 5000): Promise<Received> {
      for (const until = Date.now() + ms; Date.now() < until; await Bun.sleep(20)) {
        const r = got.slice(from).find(match);
        if (r) return r;
      }
      throw new Error('no request arrived in time');
    },
    stop: () => server.stop(true),
  };
}

export type Receiver = ReturnType<typeof startReceiver>;

/** The drop-in: takes `api_key`, `token`, `upstream` and `note`, and shows the config it was given. */
const DROP_IN = `import * as v from 'valibot';
export default {
  name: 'canary-drop', kind: 'observer', apiVersion: 1, description: 'holds canary secrets',
  config: v.object({ api_key: v.string(), token: v.optional(v.string()), upstream: v.pipe(v.string(), v.url()), note: v.optional(v.string()) }),
  setup(ctx) { globalThis.__canaryDropConfig = ctx.config; },
};
`;

/** The config the drop-in was last set up with. */
export const dropInConfig = () => (globalThis as { __canaryDropConfig?: Record<string, unknown> }).__canaryDropConfig;

export function configYaml(hook: Receiver, otel: Receiver): string {
  const c = CANARY;
  return `# plugin secrets
providers:
  mock: { type: mock, models: [echo] }
plugins:
  # alerts go to the team channel
  - alerts:
      url: "${hook.origin}/services/${c.hookTeamId}/B0CANARY/${c.hookPathToken}?token=${c.hookQueryToken}"
      min_interval_ms: 0
      allow_private_network: true
      headers: { x-hook-token: "${c.hookHeader}", X-Team: "${c.hookTeamHeader}", x-from-env: "\${HOOK_ENV_SECRET}" }
  - otel: { endpoint: "\${OTEL_ENDPOINT}", interval_ms: 100, allow_private_network: true, headers: { authorization: "Bearer ${c.otelAuth}", x-honeycomb-team: "${c.otelTeam}" } }
  - canary-drop: { api_key: "${c.dropApiKey}", token: "${c.dropToken}", upstream: "http://relay:${c.dropUrlPassword}@127.0.0.1:9/v1?api_key=${c.dropQueryKey}&region=eu", note: plain }
  - system-prompt: { rules: [ { text: "Docs live at http://bot:${c.promptPassword}@docs.internal/wiki" } ] }
`;
}

/** Starts the gateway, then adds the drop-in and the full config (a drop-in folder exists only once started). */
export async function startSecretsGateway(hook: Receiver, otel: Receiver): Promise<AdminGateway> {
  const t = await startAdminGateway('providers:\n  mock: { type: mock, models: [echo] }\n', { env: { ...process.env, HOOK_ENV_SECRET: CANARY.fromEnv, OTEL_ENDPOINT: otel.origin } });
  mkdirSync(join(t.dataDir, 'plugins'), { recursive: true });
  writeFileSync(join(t.dataDir, 'plugins', 'canary-drop.ts'), DROP_IN);
  await t.writeConfig(configYaml(hook, otel));
  const broken = t.gw.host.status().filter((p) => p.state !== 'active').map((p) => `${p.name}: ${p.error}`);
  if (broken.length > 0) throw new Error(`plugins not active: ${broken.join('; ')}`);
  return t;
}

/** Every canary found in `text`. */
export function canariesIn(text: string): string[] {
  return Object.values(CANARY).filter((c) => text.includes(c));
}

/** Canaries the YAML file lost (all of them are written there, except the env one). */
export function lostFromYaml(t: AdminGateway): string[] {
  const text = readFileSync(t.gw.configFile, 'utf8');
  return Object.values(CANARY).filter((c) => c !== CANARY.fromEnv && !text.includes(c));
}
