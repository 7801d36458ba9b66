/**
 * The socket transport keeps a pool of idle connections per origin. Upstream origins come from
 * the config and from redirects, and a gateway that runs for weeks sees its config (and the
 * hosts behind it) change: a pool whose last connection closed must not stay behind as an empty
 * entry, or every origin ever called is remembered for the life of the process.
 */
import { afterAll, expect, test } from 'bun:test';
import type { Socket } from 'bun';
import { DEFAULT_TIMEOUTS } from '../../core/http/default-timeouts.ts';
import { Exchange } from '../../core/http/exchange.ts';
import { SocketTransport } from '../../core/http/socket-transport.ts';

/** Answers each request with keep-alive, then closes the idle connection soon after (as upstreams do). */
const server = Bun.listen<{ timer?: ReturnType<typeof setTimeout> }>({
  hostname: '127.0.0.1',
  port: 0,
  socket: {
    open(s) {
      s.data = {};
    },
    data(s: Socket<{ timer?: ReturnType<typeof setTimeout> }>, chunk) {
      if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
      clearTimeout(s.data.timer);
      s.data.timer = setTimeout(() => s.end(), 20);
    },
    close(s) {
      clearTimeout(s.data.timer);
    },
  },
});
afterAll(() => server.stop(true));

test('a pool whose connections all closed is forgotten (2,000 origins)', async () => {
  const transport = new SocketTransport();
  const pools = (transport as unknown as { idle: Map<string, unknown[]> }).idle;
  const origins = 2000;
  for (let i = 0; i < origins; i += 50) {
    await Promise.all(Array.from({ length: 50 }, async (_, k) => {
      const n = i + k;
      // Each its own origin, all served here: the transport connects to the vetted address it is given.
      const url = new URL(`http://upstream-${n}.example:${server.port}/`);
      const ex = new Exchange(url.hostname, DEFAULT_TIMEOUTS, undefined);
      const res = await transport.request(ex, url, 'GET', {}, null, true, ['127.0.0.1']);
      expect(await res.text()).toBe('ok');
    }));
  }
  // Every connection went back to its pool, and the server closes each one 20 ms later.
  for (let i = 0; i < 200 && [...pools.values()].some((p) => p.length > 0); i++) await Bun.sleep(10);
  expect([...pools.values()].every((p) => p.length === 0)).toBe(true);
  expect(pools.size).toBe(0);
});
