/**
 * Names JavaScript in `perf`: turns the JIT dump JavaScriptCore writes (`BUN_JSC_useJITDump=1
 * BUN_JSC_jitDumpDirectory=DIR`) into the `/tmp/perf-<pid>.map` that `perf report` reads for
 * anonymous executable memory. Without it every JIT frame is a bare `[JIT] tid N` address.
 *
 *   BUN_JSC_useJITDump=1 BUN_JSC_jitDumpDirectory=/tmp/jit <start the gateway>
 *   perf record -F 4000 -g -p <pid> -o perf.data     # during load
 *   bun bench/jit-perf-map.ts /tmp/jit/jit-<n>-<pid>.dump /tmp/perf-<pid>.map
 *   perf report -i perf.data --no-children --sort dso,sym
 *
 * The collector frees code and the JIT reuses its addresses, so a dump names many functions at
 * one address over time; a later code load replaces every earlier one it overlaps (perf would
 * otherwise pick any of them, and charge one function's samples to another).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** `JIT_CODE_LOAD` in the jitdump format (linux/tools/perf/Documentation/jitdump-specification.txt). */
const CODE_LOAD = 0;

interface Code {
  start: bigint;
  end: bigint;
  name: string;
}

/** The code still at its address when the dump ends, in `perf-<pid>.map` lines (`START SIZE name`, hex). */
export function perfMapOf(dump: Uint8Array): string[] {
  const view = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  const live: Code[] = [];
  // File header: magic, version, total_size (its own size), …; then records of
  // { id u32, total_size u32, timestamp u64, …body }.
  for (let at = view.getUint32(8, true); at + 16 <= dump.byteLength;) {
    const id = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (size < 16 || at + size > dump.byteLength) break; // cut short: the process was still writing
    if (id === CODE_LOAD) {
      // Body: pid u32, tid u32, vma u64, code_addr u64, code_size u64, code_index u64, name\0, code.
      const body = at + 16;
      const start = view.getBigUint64(body + 16, true);
      const end = start + view.getBigUint64(body + 24, true);
      const nameAt = body + 40;
      const nameEnd = dump.indexOf(0, nameAt);
      const name = Buffer.from(dump.subarray(nameAt, nameEnd < 0 ? at + size : nameEnd)).toString().replace(/\s+/g, '_');
      for (let i = live.length - 1; i >= 0; i--) if (live[i]!.start < end && start < live[i]!.end) live.splice(i, 1);
      live.push({ start, end, name });
    }
    at += size;
  }
  return live.map((c) => `${c.start.toString(16)} ${(c.end - c.start).toString(16)} ${c.name}`);
}

if (import.meta.main) {
  const [dumpFile, mapFile] = process.argv.slice(2);
  if (!dumpFile || !mapFile) {
    console.error('usage: bun bench/jit-perf-map.ts <jit-…dump> /tmp/perf-<pid>.map');
    process.exit(2);
  }
  const lines = perfMapOf(readFileSync(dumpFile));
  writeFileSync(mapFile, lines.join('\n') + '\n');
  console.log(`${lines.length} functions → ${mapFile}`);
}
