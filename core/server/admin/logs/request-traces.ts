import type { Bus } from '../../../bus/bus.ts';

/** One upstream attempt of a request, as the bus told it. */
export interface AttemptTrace {
  n: number;
  provider: string;
  account: string | null;
  model: string;
  startedAt: number;
  outcome: 'running' | 'succeeded' | 'failed';
  status: number | null;
  code: string | null;
  error: string | null;
  latencyMs: number | null;
}

/** What happened to one request: its route plan, attempts and every event naming it. */
export interface RequestTrace {
  id: string;
  startedAt: number;
  route: { targets: Array<{ provider: string; model: string; account?: string }>; strategy?: string } | null;
  attempts: AttemptTrace[];
  events: Array<{ type: string; at: number; data: unknown }>;
}

export interface RequestTraces {
  get(id: string): RequestTrace | undefined;
  close(): void;
}

export interface TraceOptions {
  now?: () => number;
  /** Requests kept (oldest dropped first). */
  capacity?: number;
  /** Events kept per request. */
  maxEvents?: number;
}

type Data = Record<string, unknown>;

/**
 * One request's events as flat `[type, at, payload]` triples: three writes per event, no
 * object per event. The trace the admin API shows is built from them on demand. The slot of
 * the evicted oldest request is reused for the next one (its arrays keep their room).
 */
interface Slot {
  id: string;
  startedAt: number;
  /** The first `maxEvents` events, in `log[0 .. n)`. */
  log: unknown[];
  n: number;
  /** Route and attempt events past `maxEvents`: not listed, but still part of the route and attempts. */
  late?: unknown[];
}

/**
 * A ring of the last requests' traces, fed by one bus listener on every event. Any event whose
 * payload has a string `id` belongs to that request (core events and plugins' own). In memory
 * only: a restart forgets them; the usage row stays in the database. Recording is cheap (it
 * runs for every event of every request); `get` replays the recorded events into a trace.
 */
export function createRequestTraces(bus: Bus, o: TraceOptions = {}): RequestTraces {
  const now = o.now ?? Date.now;
  // Kept small on purpose: a slot lives as long as the ring takes to come round, and under load
  // longer-lived payloads are promoted by the young-generation collector (1000 slots measured
  // ~1 MB promoted per collection and twice the collector time per request).
  const capacity = o.capacity ?? 200;
  const maxLog = (o.maxEvents ?? 100) * 3;
  const slots = new Map<string, Slot>();
  // Events of one request mostly come back to back: the last slot saves a map lookup.
  let last: Slot | undefined;

  const off = bus.onAny((type, payload) => {
    const id = (payload as Data | undefined)?.id;
    if (typeof id !== 'string') return;
    const at = now();
    let s = last !== undefined && last.id === id ? last : slots.get(id);
    if (s === undefined) {
      if (slots.size >= capacity) {
        const oldest = slots.keys().next().value!;
        s = slots.get(oldest)!;
        slots.delete(oldest);
        s.id = id;
        s.startedAt = at;
        s.n = 0;
        s.late = undefined;
      } else {
        s = { id, startedAt: at, log: [], n: 0 };
      }
      slots.set(id, s);
    }
    last = s;
    if (s.n < maxLog) {
      const log = s.log;
      log[s.n] = type;
      log[s.n + 1] = at;
      log[s.n + 2] = payload;
      s.n += 3;
    } else if (type === 'request:routed' || type.startsWith('attempt:')) {
      (s.late ??= []).push(type, at, payload);
    }
  }, 'admin-traces');

  return {
    get(id) {
      const s = slots.get(id);
      return s ? replay(s) : undefined;
    },
    close: off,
  };
}

/** The trace of a slot: its listed events, and the route and attempts from all its events. */
function replay(s: Slot): RequestTrace {
  const t: RequestTrace = { id: s.id, startedAt: s.startedAt, route: null, attempts: [], events: [] };
  const apply = (log: unknown[], n: number, list: boolean) => {
    for (let i = 0; i < n; i += 3) {
      const type = log[i] as string;
      const at = log[i + 1] as number;
      const e = log[i + 2] as Data;
      if (list) t.events.push({ type, at, data: e });
      if (type === 'request:routed') t.route = (e.plan as RequestTrace['route']) ?? null;
      else if (type === 'attempt:started') t.attempts.push(startAttempt(e, at));
      else if (type === 'attempt:succeeded' || type === 'attempt:failed') endAttempt(t, e, type === 'attempt:failed', at);
    }
  };
  apply(s.log, s.n, true);
  if (s.late) apply(s.late, s.late.length, false);
  return t;
}

function startAttempt(e: Data, at: number): AttemptTrace {
  return {
    n: Number(e.n), provider: String(e.provider), account: typeof e.account === 'string' ? e.account : null, model: String(e.model),
    startedAt: at, outcome: 'running', status: null, code: null, error: null, latencyMs: null,
  };
}

function endAttempt(t: RequestTrace, e: Data, failed: boolean, at: number): void {
  const a = [...t.attempts].reverse().find((x) => x.n === Number(e.n) && x.outcome === 'running');
  if (!a) return;
  a.outcome = failed ? 'failed' : 'succeeded';
  a.latencyMs = typeof e.latencyMs === 'number' ? Math.round(e.latencyMs) : at - a.startedAt;
  if (failed) {
    a.status = typeof e.status === 'number' ? e.status : null;
    a.code = typeof e.code === 'string' ? e.code : null;
    a.error = typeof e.error === 'string' ? e.error : null;
  } else {
    a.status = 200;
  }
}
