import { Elysia } from 'elysia';
import * as v from 'valibot';
import type { AdminContext } from '../admin-context.ts';

// Elysia splits a comma-separated query value into an array.
const Query = v.object({ types: v.optional(v.union([v.string(), v.array(v.string())])), heartbeatMs: v.optional(v.string()) });

/** Frames a slow client has not read yet beyond which new events are dropped for it. */
const MAX_BACKLOG = 1000;
/** How often an open feed checks that its credentials still hold (a session may end meanwhile). */
const AUTH_RECHECK_MS = 1000;

const tags = ['admin: logs'];

/** True when `type` matches one of the patterns (`request:*` is a prefix match). */
export function typeMatches(type: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

/**
 * `GET /api/events`: the live monitor. Every bus event as one Server-Sent Event (`event:` is the
 * event type, `data:` `{type, at, data}` with secrets redacted), a `: ping` comment every
 * `heartbeatMs` (default 15 s), and `event: ready` first. The listener is removed as soon as
 * the client goes away (stream cancel or request abort), and within a second of its credentials
 * ending (a session logged out, replaced by a password change or cleared by reset-password). A
 * client that stops reading loses events instead of growing the server's memory.
 */
export function eventsRoute(ctx: AdminContext) {
  const { deps } = ctx;
  return new Elysia({ name: 'admin-events' }).get('/api/events', ({ request, query }) => {
    const patterns = [query.types ?? []].flat().flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    const hb = Number(query.heartbeatMs);
    const heartbeatMs = Number.isFinite(hb) && hb >= 1000 ? Math.min(hb, 60_000) : 15_000;
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        let closed = false;
        const send = (text: string) => {
          if (closed) return;
          if (controller.desiredSize !== null && controller.desiredSize < -MAX_BACKLOG) return;
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        const frame = (type: string, data: unknown) =>
          `event: ${type}\ndata: ${deps.log.redact(JSON.stringify({ type, at: deps.now(), data }))}\n\n`;
        send(frame('ready', { generation: deps.host.current.generation }));
        const off = deps.bus.onAny((type, e) => {
          if (typeMatches(type, patterns)) send(frame(type, e));
        }, 'admin-events');
        const timer = setInterval(() => send(': ping\n\n'), heartbeatMs);
        // A session may end while its feed is open (logout, password change): the feed ends with it.
        const stillAllowed = async () => {
          if (await deps.adminCheck(request)) cleanup();
        };
        const recheck = setInterval(() => void stillAllowed().catch(() => cleanup()), AUTH_RECHECK_MS);
        cleanup = () => {
          if (closed) return;
          closed = true;
          off();
          clearInterval(timer);
          clearInterval(recheck);
          request.signal.removeEventListener('abort', cleanup);
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        };
        request.signal.addEventListener('abort', cleanup, { once: true });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' },
    });
  }, { query: Query, detail: { summary: 'Live monitor: every gateway event as Server-Sent Events (`types=request:*,attempt:*` filters).', tags } });
}
