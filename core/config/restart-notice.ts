import type { GatewayConfig } from './schema.ts';

/** Settings read once, at start: a reload takes the rest, these wait for the next start. */
const READ_AT_START: ReadonlyArray<{ name: string; value: (c: GatewayConfig) => unknown; flag?: 'host' | 'port' }> = [
  { name: 'server.host', value: (c) => c.server.host, flag: 'host' },
  { name: 'server.port', value: (c) => c.server.port, flag: 'port' },
  { name: 'logging.file', value: (c) => JSON.stringify(c.logging.file) },
];

/**
 * The warning for a reload from `prev` to `next` that changes a setting only a start applies
 * (`server.host`, `server.port`, `logging.file`), or undefined when none changed. A setting a
 * command-line flag overrides (`--host`, `--port`) is left out: a restart would not apply it either.
 */
export function restartNotice(
  prev: GatewayConfig, next: GatewayConfig, o: { listening: string; overridden: { host?: unknown; port?: unknown } },
): string | undefined {
  const changed = READ_AT_START.filter((s) => (s.flag === undefined || o.overridden[s.flag] === undefined) && s.value(prev) !== s.value(next));
  if (changed.length === 0) return undefined;
  const what = changed.map((s) => (s.flag ? `${s.name} (${String(s.value(prev))} → ${String(s.value(next))})` : s.name)).join(', ');
  return `${what} changed: only a restart applies ${changed.length > 1 ? 'them' : 'it'}; until then the gateway listens on ${o.listening} and logs as it did at start`;
}
