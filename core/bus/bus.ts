import mitt, { type Emitter } from 'mitt';
import type { GatewayEvents } from './events.ts';

/** mitt needs an index-signature type; a mapped copy of the interface gives it one. */
type EventMap = { [K in keyof GatewayEvents]: GatewayEvents[K] };
type Handler<T> = (e: T) => void | Promise<void>;
type WildcardHandler = (type: keyof GatewayEvents, e: GatewayEvents[keyof GatewayEvents]) => void;

/**
 * The event bus: a thin wrapper over mitt that isolates every handler. A handler that throws
 * (or rejects) is reported as `plugin:errored` under its owner's name and never reaches the
 * emitter, so a listener cannot break a request.
 */
export class Bus {
  private readonly emitter: Emitter<EventMap> = mitt<EventMap>();

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
    this.emitter.on(type, wrapped);
    return () => this.emitter.off(type, wrapped);
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
    this.emitter.on('*', wrapped);
    return () => this.emitter.off('*', wrapped);
  }

  /** Emits synchronously; handlers never throw into the caller. */
  emit<E extends keyof GatewayEvents>(type: E, e: GatewayEvents[E]): void {
    this.emitter.emit(type, e);
  }

  private reportError(owner: string, err: unknown, type: string): void {
    // An error inside a `plugin:errored` listener is dropped, or the report would loop.
    if (type === 'plugin:errored') return;
    const message = err instanceof Error ? err.message : String(err);
    this.emitter.emit('plugin:errored', { name: owner, phase: 'event', error: `${type}: ${message}` });
  }
}
