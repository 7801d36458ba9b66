import { expect, test } from 'bun:test';
import { phasesOf } from './c1-phases.ts';

/** A perf script line: thread, time in seconds, event, its trace field. */
const line = (s: number, event: 'sys_exit_recvfrom' | 'sys_enter_sendto', trace: string) =>
  `  1234 ${s.toFixed(6)}: syscalls:${event}: ${trace}`;
const read = (s: number, ret = '0x16e') => line(s, 'sys_exit_recvfrom', ret);
const write = (s: number) => line(s, 'sys_enter_sendto', 'fd: 0x0000000d, buff: 0x7f, len: 0x0000016e');

test('each request splits into pre, upstream, post and turnaround; failed reads and odd orders are skipped', () => {
  const t0 = 100;
  const lines: string[] = [];
  // Three requests 300 µs apart: read, +30 write, +90 read, +40 write; the next read 140 µs later.
  for (let r = 0; r < 3; r++) {
    const base = t0 + r * 300e-6;
    lines.push(read(base), write(base + 30e-6), read(base + 80e-6, '0xfffffffffffffff5'), read(base + 120e-6), write(base + 160e-6));
  }
  lines.push(read(t0 + 900e-6), 'a line perf prints that is not an event', read(t0 + 901e-6, '0x0'));
  expect(phasesOf(lines.join('\n'))).toEqual({ n: 3, pre: 30, upstream: 90, post: 40, turnaround: 140 });
  // A write with no read before it (a pooled connection's first use) breaks the order: skipped.
  expect(phasesOf([write(1), ...lines].join('\n')).n).toBe(3);
  expect(phasesOf('').n).toBe(0);
});
