import { describe, expect, test } from 'bun:test';
import { DirectWriter } from './direct-writer.ts';

/** A direct-stream controller that records calls; `full` makes `write` answer back-pressure. */
function controller(full = false) {
  const calls: string[] = [];
  let drained: (n: number) => void = () => {};
  const ctl = {
    write: (data: string | Uint8Array) => {
      calls.push(`write ${typeof data === 'string' ? data : new TextDecoder().decode(data)}`);
      return full ? new Promise<number>((resolve) => (drained = resolve)) : data.length;
    },
    flush: () => (calls.push('flush'), 0),
    close: (error?: Error) => void calls.push(error ? `close ${error.message}` : 'close'),
    end: () => 0,
    start: () => {},
  } as ReadableStreamDirectController;
  return { ctl, calls, drain: () => drained(1) };
}

describe('DirectWriter', () => {
  test('what is written leaves when the next read would wait, not before', async () => {
    const { ctl, calls } = controller();
    const out = new DirectWriter(ctl);
    out.write('a');
    expect(out.next(Promise.resolve(1))).toBe(1); // already there: its value, keep collecting
    out.write('b');
    expect(calls).toEqual(['write a', 'write b']);
    let release!: (n: number) => void;
    const read = new Promise<number>((r) => (release = r));
    expect(out.next(read)).toBe(read); // will wait: send first
    expect(calls).toEqual(['write a', 'write b', 'flush']);
    release(2);
    await read;
    out.next(new Promise(() => {})); // nothing unsent: no flush
    expect(calls.filter((c) => c === 'flush')).toHaveLength(1);
  });

  test('a failed read is handed back to be awaited, and what was written is kept', async () => {
    const { ctl, calls } = controller();
    const out = new DirectWriter(ctl);
    out.write('a');
    const failed = Promise.reject(new Error('gone'));
    failed.catch(() => {});
    await Bun.sleep(0); // settled
    const next = out.next(failed);
    expect(next).toBe(failed);
    await expect(next).rejects.toThrow('gone');
    expect(calls).toEqual(['write a']);
  });

  test('empty writes are no writes, and do not count as activity for the keep-alive', () => {
    const { ctl, calls } = controller();
    let wrote = 0;
    const out = new DirectWriter(ctl, { attach: () => {}, wrote: () => void wrote++, stop: () => {} });
    expect(out.write('')).toBeUndefined();
    expect(out.write(undefined)).toBeUndefined();
    expect(out.write(new Uint8Array(0))).toBeUndefined();
    expect(calls).toEqual([]);
    expect(wrote).toBe(0);
    out.write('x');
    expect(wrote).toBe(1);
  });

  test('a full buffer: the write is sent at once and answers the promise to wait on', async () => {
    const { ctl, calls, drain } = controller(true);
    const out = new DirectWriter(ctl);
    const full = out.write('big');
    expect(full).toBeInstanceOf(Promise);
    expect(calls).toEqual(['write big', 'flush']);
    let waited = false;
    const wait = full!.then(() => (waited = true));
    await Bun.sleep(1);
    expect(waited).toBe(false);
    drain();
    await wait;
    expect(waited).toBe(true);
  });

  test('closing with an error sends what was written first', () => {
    const { ctl, calls } = controller();
    const out = new DirectWriter(ctl);
    out.write('partial');
    out.close(new Error('boom'));
    expect(calls).toEqual(['write partial', 'flush', 'close boom']);
  });
});
