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
 * A ring of the last requests' traces, fed by one bus listener on every event. Any event whose
 * payload has a string `id` belongs to that request (core events and plugins' own). In memory
 * only: a restart forgets them; the usage row stays in the database.
 */
export function createRequestTraces(bus: Bus, o: TraceOptions = {}): RequestTraces {
  const now = o.now ?? Date.now;
  const capacity = o.capacity ?? 1000;
  const maxEvents = o.maxEvents ?? 100;
  const traces = new Map<string, RequestTrace>();

  const traceFor = (id: string, at: number): RequestTrace => {
    let t = traces.get(id);
    if (!t) {
      t = { id, startedAt: at, route: null, attempts: [], events: [] };
      traces.set(id, t);
      if (traces.size > capacity) traces.delete(traces.keys().next().value!);
    }
    return t;
  };

  const off = bus.onAny((type, payload) => {
    const e = payload as Data;
    if (typeof e?.id !== 'string') return;
    const at = now();
    const t = traceFor(e.id, at);
    if (t.events.length < maxEvents) t.events.push({ type, at, data: payload });
    if (type === 'request:routed') t.route = (e.plan as RequestTrace['route']) ?? null;
    else if (type === 'attempt:started') t.attempts.push(startAttempt(e, at));
    else if (type === 'attempt:succeeded' || type === 'attempt:failed') endAttempt(t, e, type === 'attempt:failed', at);
  }, 'admin-traces');

  return {
    get: (id) => traces.get(id),
    close: off,
  };
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
