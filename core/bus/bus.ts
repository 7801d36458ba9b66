import mitt, { type Emitter } from 'mitt';
import type { GatewayEvents } from './events.ts';

/** mitt needs an index-signature type; a mapped copy of the interface gives it one. */
type EventMap = { [K in keyof GatewayEvents]: GatewayEvents[K] };
type Handler<T> = (e: T) => void | Promise<void>;
type WildcardHandler = (type: keyof GatewayEvents, e: GatewayEvents[keyof GatewayEvents]) => void;
type Stored = (...args: never[]) => void;
/** A marker in the held queue: the next entry is a function to run, not an event. */
const DELIVERED = Symbol('delivered');

/**
 * The event bus: a thin wrapper over mitt that isolates every handler. A handler that throws
 * (or rejects) is reported as `plugin:errored` under its owner's name and never reaches the
 * emitter, so a listener cannot break a request.
 *
 * The handler lists in mitt's `all` map are replaced, never edited in place (copy on write), so
 * `emit` walks the current list without the copy mitt's own `emit` makes on every call; a
 * handler added or removed during an emit takes effect from the next one, as with mitt.
 */
export class Bus {
  private readonly emitter: Emitter<EventMap> = mitt<EventMap>();
  /** Events held by `emitSoon` (type, payload, type, payload…) until the current I/O callback ends. */
  private held: unknown[] | undefined;

  /**
   * Registers `fn` for `type`. `owner` names the plugin in error reports. Returns the
   * unsubscribe function.
   */
  on<E extends keyof GatewayEvents>(type: E, fn: Handler<GatewayEvents[E]>, owner = 'core'): () => void {
    const wrapped = (e: GatewayEvents[E]) => {
      try {
        const r = fn(e);
        if (r && typeof (r as Promise<void>).catch === 'function') {
          (r as Promise<void>).catch((err) => this.reportError(owner, err, type));
        }
      } catch (err) {
        this.reportError(owner, err, type);
      }
    };
    this.add(type, wrapped);
    return () => this.remove(type, wrapped);
  }

  /** Listens to every event (the live monitor and log use this). */
  onAny(fn: WildcardHandler, owner = 'core'): () => void {
    const wrapped = (type: keyof GatewayEvents, e: GatewayEvents[keyof GatewayEvents]) => {
      try {
        fn(type, e);
      } catch (err) {
        this.reportError(owner, err, type);
      }
    };
    this.add('*', wrapped);
    return () => this.remove('*', wrapped);
  }

  /**
   * Emits synchronously; handlers never throw into the caller. While events from `emitSoon`
   * are held, this one is held behind them: listeners always see events in emit order.
   */
  emit<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void {
    if (this.held) this.held.push(type, e);
    else this.dispatch(type, e);
  }

  /**
   * Emits once the current I/O callback has finished (`setImmediate`), in order with every
   * other event. The pipeline emits each request's lifecycle events this way, so their
   * listeners (traces, route statistics, usage observers) run off the request's critical path:
   * after the upstream request is written and after the response is handed to the server. The
   * listeners of every request served in one turn of the event loop then run together, which
   * keeps their code and data in cache: measured with the bench's A/B, 19 µs less CPU per
   * non-stream request and 12 µs per stream at c=16, and 17 µs off the p50 latency at c=1.
   */
  emitSoon<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void {
    if (!this.held) {
      this.held = [];
      setImmediate(this.release);
    }
    this.held.push(type, e);
  }

  /**
   * Runs `fn` once every event held so far has reached its listeners (at once when none are
   * held). The plugin host disposes a replaced config's plugins this way, so they still hear
   * the last events of the requests they saw begin.
   */
  whenDelivered(fn: () => void): void {
    if (this.held) this.held.push(DELIVERED, fn);
    else fn();
  }

  /**
   * Delivers the held events now. The server calls it as each request arrives, so a request
   * (and an admin read) sees the effects of every request that finished before it came, and
   * at shutdown before the plugins that listen are disposed.
   */
  flush(): void {
    if (this.held) this.release();
  }

  private readonly release = (): void => {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    for (let i = 0; i < held.length; i += 2) {
      if (held[i] === DELIVERED) this.runDelivered(held[i + 1] as () => void);
      else this.dispatch(held[i] as keyof GatewayEvents, held[i + 1] as never);
    }
  };

  /** A `whenDelivered` callback; one that throws is reported and never stops the events after it. */
  private runDelivered(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.reportError('core', err, 'whenDelivered');
    }
  }

  private dispatch<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void {
    const all = this.emitter.all as Map<unknown, Stored[]>;
    const own = all.get(type) as Array<(e: GatewayEvents[E]) => void> | undefined;
    if (own) for (let i = 0; i < own.length; i++) own[i]!(e);
    const any = all.get('*') as WildcardHandler[] | undefined;
    if (any) for (let i = 0; i < any.length; i++) any[i]!(type, e);
  }

  private add(type: unknown, fn: Stored): void {
    const all = this.emitter.all as Map<unknown, Stored[]>;
    all.set(type, [...(all.get(type) ?? []), fn]);
  }

  private remove(type: unknown, fn: Stored): void {
    const all = this.emitter.all as Map<unknown, Stored[]>;
    const list = all.get(type);
    if (!list) return;
    const i = list.indexOf(fn);
    if (i < 0) return;
    const next = list.slice();
    next.splice(i, 1);
    all.set(type, next);
  }

  private reportError(owner: string, err: unknown, type: string): void {
    // An error inside a `plugin:errored` listener is dropped, or the report would loop.
    if (type === 'plugin:errored') return;
    const message = err instanceof Error ? err.message : String(err);
    this.emit('plugin:errored', { name: owner, phase: 'event', error: `${type}: ${message}` });
  }
}
