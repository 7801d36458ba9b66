import { describe, expect, test } from 'bun:test';
import { Bus } from './bus.ts';

const received = (id: string) => ({ id, dialect: 'openai-chat', model: 'm', stream: false, operation: 'chat' });

describe('bus', () => {
  test('handlers of the type run in order, then any-event handlers', () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.on('request:received', (e) => void seen.push(`a:${e.id}`));
    bus.onAny((type, e) => void seen.push(`*:${type}:${(e as { id: string }).id}`));
    bus.on('request:received', (e) => void seen.push(`b:${e.id}`));
    bus.emit('request:received', received('r1'));
    bus.emit('stream:first-part', { id: 'r1', ttftMs: 1 });
    expect(seen).toEqual(['a:r1', 'b:r1', '*:request:received:r1', '*:stream:first-part:r1']);
  });

  test('emitSoon holds events until the current I/O callback ends; later emits wait behind them, in order', async () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.onAny((type, e) => {
      seen.push(`${type}:${(e as { id: string }).id}`);
      // An event emitted by a listener while held events are released goes out at once.
      if (type === 'request:routed') bus.emit('stream:first-part', { id: 'nested', ttftMs: 0 });
    });
    bus.emitSoon('request:received', received('r1'));
    bus.emitSoon('request:routed', { id: 'r1', plan: { targets: [] } });
    bus.emit('attempt:started', { id: 'r1', provider: 'p', model: 'm', n: 1 });
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([]); // still held: the microtasks of this callback come first
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['request:received:r1', 'request:routed:r1', 'stream:first-part:nested', 'attempt:started:r1']);
    // Nothing held any more: emit is synchronous again.
    bus.emit('request:received', received('r2'));
    expect(seen.at(-1)).toBe('request:received:r2');
  });

  test('whenDelivered runs after the events held before it, in order; at once when nothing is held', async () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.onAny((type, e) => void seen.push(`${type}:${(e as { id: string }).id}`));
    bus.emitSoon('request:received', received('r1'));
    bus.whenDelivered(() => seen.push('released r1'));
    bus.emitSoon('request:received', received('r2'));
    expect(seen).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['request:received:r1', 'released r1', 'request:received:r2']);
    bus.whenDelivered(() => seen.push('now'));
    expect(seen.at(-1)).toBe('now');
  });

  test('a whenDelivered callback that throws is reported; the events after it still go out', async () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.onAny((type, e) => void seen.push(`${type}:${(e as { id?: string; error?: string }).id ?? (e as { error: string }).error}`));
    bus.emitSoon('request:received', received('r1'));
    bus.whenDelivered(() => {
      throw new Error('boom');
    });
    bus.emitSoon('request:received', received('r2'));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['request:received:r1', 'plugin:errored:whenDelivered: boom', 'request:received:r2']);
  });

  test('flush delivers held events at once, and only once', async () => {
    const bus = new Bus();
    const seen: string[] = [];
    bus.onAny((type, e) => void seen.push(`${type}:${(e as { id: string }).id}`));
    bus.emitSoon('request:received', received('r1'));
    bus.emit('request:received', received('r2'));
    bus.flush();
    expect(seen).toEqual(['request:received:r1', 'request:received:r2']);
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(2);
  });

  test('a throwing or rejecting handler is reported as plugin:errored and never reaches the emitter', async () => {
    const bus = new Bus();
    const errors: string[] = [];
    bus.on('plugin:errored', (e) => void errors.push(`${e.name}/${e.phase}/${e.error}`));
    bus.on('request:received', () => {
      throw new Error('boom');
    }, 'bad-plugin');
    bus.on('request:received', async () => {
      throw new Error('later');
    }, 'async-plugin');
    let after = false;
    bus.on('request:received', () => void (after = true));
    expect(() => bus.emit('request:received', received('r'))).not.toThrow();
    expect(after).toBe(true);
    await Bun.sleep(0);
    expect(errors).toEqual(['bad-plugin/event/request:received: boom', 'async-plugin/event/request:received: later']);
  });

  test('an error inside a plugin:errored listener is dropped (no loop)', () => {
    const bus = new Bus();
    let calls = 0;
    bus.on('plugin:errored', () => {
      calls++;
      throw new Error('again');
    });
    bus.on('request:received', () => {
      throw new Error('first');
    });
    bus.emit('request:received', received('r'));
    expect(calls).toBe(1);
  });

  test('unsubscribing, also during an emit: the current emit still reaches the list it started with', () => {
    const bus = new Bus();
    const seen: string[] = [];
    let offB: () => void = () => {};
    const offA = bus.on('stream:first-part', () => {
      seen.push('a');
      offB();
    });
    offB = bus.on('stream:first-part', () => void seen.push('b'));
    bus.emit('stream:first-part', { id: 'r', ttftMs: 1 });
    bus.emit('stream:first-part', { id: 'r', ttftMs: 1 });
    offA();
    offA();
    bus.emit('stream:first-part', { id: 'r', ttftMs: 1 });
    const offAny = bus.onAny(() => void seen.push('*'));
    bus.emit('stream:first-part', { id: 'r', ttftMs: 1 });
    offAny();
    bus.emit('stream:first-part', { id: 'r', ttftMs: 1 });
    expect(seen).toEqual(['a', 'b', 'a', '*']);
  });
});
