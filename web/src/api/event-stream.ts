import type { BusEvent } from './types.ts';

type Handler = (e: BusEvent) => void;

/**
 * One shared `EventSource` on `/api/events` for the whole dashboard: opened when the first page
 * subscribes, closed when the last one leaves. The browser reconnects by itself after a drop.
 * `status` listeners learn whether the stream is connected (for a "live" indicator).
 */
class EventHub {
  private source: EventSource | null = null;
  private readonly handlers = new Set<{ prefixes: string[]; fn: Handler }>();
  private readonly statusFns = new Set<(connected: boolean) => void>();
  private connected = false;

  /** Listens to events whose type matches one of `types` (`*` suffix = prefix). Returns the unsubscribe. */
  subscribe(types: string[], fn: Handler): () => void {
    const entry = { prefixes: types, fn };
    this.handlers.add(entry);
    this.open();
    return () => {
      this.handlers.delete(entry);
      if (this.handlers.size === 0) this.close();
    };
  }

  onStatus(fn: (connected: boolean) => void): () => void {
    this.statusFns.add(fn);
    fn(this.connected);
    return () => this.statusFns.delete(fn);
  }

  private open(): void {
    if (this.source) return;
    const src = new EventSource('/api/events');
    this.source = src;
    src.onopen = () => this.setConnected(true);
    src.onerror = () => this.setConnected(false);
    src.onmessage = (m) => this.dispatch(m.data);
    // Named events (`event: request:received`) do not reach onmessage: listen by name.
    for (const name of KNOWN_EVENTS) src.addEventListener(name, (m) => this.dispatch((m as MessageEvent<string>).data));
  }

  private close(): void {
    this.source?.close();
    this.source = null;
    this.setConnected(false);
  }

  private setConnected(v: boolean): void {
    this.connected = v;
    for (const fn of this.statusFns) fn(v);
  }

  private dispatch(raw: string): void {
    let e: BusEvent;
    try {
      e = JSON.parse(raw) as BusEvent;
    } catch {
      return;
    }
    if (!e || typeof e.type !== 'string') return;
    for (const h of this.handlers) if (matches(e.type, h.prefixes)) h.fn(e);
  }
}

function matches(type: string, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

/** Event names the dashboard uses; named SSE events must be listened to one by one. */
const KNOWN_EVENTS = [
  'ready', 'request:received', 'request:short-circuited', 'request:routed', 'attempt:started', 'attempt:failed',
  'stream:first-part', 'response:completed', 'request:failed', 'plugin:loaded', 'plugin:errored',
  'plugin:disposed', 'config:reloaded', 'config:rejected',
];

export const events = new EventHub();
