/**
 * The floor: the least a Bun proxy can do for an LLM call — parse the JSON body, forward it
 * with fetch, stream the reply back. The gateway is compared with this under the same pinning,
 * so the ratio says what routing, auth, usage and the plugin host cost on top of Bun itself.
 *
 * Run alone: `bun bench/floor-proxy.ts --upstream http://127.0.0.1:M [--port N]`
 * (prints `READY <port>`).
 */
import { parseArgs } from 'node:util';

/** Starts the floor proxy on 127.0.0.1, forwarding every POST path to `upstream` + path. */
export function startFloorProxy(upstream: string, port = 0): { port: number; stop(): void } {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port,
    idleTimeout: 0,
    async fetch(req) {
      const body = await req.json();
      const up = await fetch(upstream + new URL(req.url).pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-floor' },
        body: JSON.stringify(body),
      });
      return new Response(up.body, {
        status: up.status,
        headers: { 'content-type': up.headers.get('content-type') ?? 'application/json' },
      });
    },
  });
  return { port: server.port ?? 0, stop: () => void server.stop(true) };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Bun.argv.slice(2), options: { upstream: { type: 'string' }, port: { type: 'string' } } });
  if (!values.upstream) throw new Error('--upstream URL is required');
  const floor = startFloorProxy(values.upstream.replace(/\/+$/, ''), Number(values.port ?? 0));
  console.log(`READY ${floor.port}`);
}
