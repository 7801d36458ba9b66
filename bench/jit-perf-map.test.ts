import { expect, test } from 'bun:test';
import { perfMapOf } from './jit-perf-map.ts';

/** A jitdump: its 40-byte header, then the records. */
function dump(records: Uint8Array[]): Uint8Array {
  const header = new Uint8Array(40);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0x4a695444, true); // 'JiTD'
  hv.setUint32(4, 1, true);
  hv.setUint32(8, 40, true);
  return Buffer.concat([header, ...records]);
}

function codeLoad(addr: number, size: number, name: string): Uint8Array {
  const nameBytes = Buffer.from(`${name}\0`);
  const code = new Uint8Array(size);
  const r = new Uint8Array(16 + 40 + nameBytes.length + size);
  const v = new DataView(r.buffer);
  v.setUint32(0, 0, true); // JIT_CODE_LOAD
  v.setUint32(4, r.length, true);
  v.setBigUint64(16 + 8, BigInt(addr), true); // vma
  v.setBigUint64(16 + 16, BigInt(addr), true); // code_addr
  v.setBigUint64(16 + 24, BigInt(size), true);
  r.set(nameBytes, 56);
  r.set(code, 56 + nameBytes.length);
  return r;
}

/** A record of another kind (debug info, code move…): skipped by its size. */
function other(id: number, bodyBytes: number): Uint8Array {
  const r = new Uint8Array(16 + bodyBytes);
  new DataView(r.buffer).setUint32(0, id, true);
  new DataView(r.buffer).setUint32(4, r.length, true);
  return r;
}

test('each code load becomes a map line; a later load replaces the earlier code it overlaps', () => {
  const lines = perfMapOf(dump([
    codeLoad(0x1000, 0x100, 'JSC-Baseline: run#A'),
    codeLoad(0x2000, 0x80, 'JSC-FTL: parse#B'),
    other(2, 24),
    codeLoad(0x1080, 0x100, 'JSC-FTL: respond#C'), // reuses freed code's addresses
  ]));
  expect(lines).toEqual(['2000 80 JSC-FTL:_parse#B', '1080 100 JSC-FTL:_respond#C']);
});

test('a dump cut short (the process still writing) keeps what was whole', () => {
  const whole = dump([codeLoad(0x1000, 0x10, 'a'), codeLoad(0x2000, 0x10, 'b')]);
  expect(perfMapOf(whole.subarray(0, whole.length - 5))).toEqual(['1000 10 a']);
});
