import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedOffsetOf, fixedZoneOffsetMs } from './fixed-zone-offset.ts';

interface Zone {
  version?: '\0' | '2' | '3';
  /** Transition times (s) and the type each one switches to. */
  transitions?: [number, number][];
  /** UT offsets (s) of the local time types. */
  types: number[];
  leaps?: number;
  /** The v2+ footer rule. */
  footer?: string;
  /** v2+ written "slim": the v1 block is the minimal one and only the v2 block says the truth. */
  slimV1?: boolean;
}

/** A TZif file (RFC 8536) as zic writes it. */
function tzif(z: Zone): Uint8Array {
  const version = z.version ?? '2';
  const chars = 'LMT\0';
  const block = (timeSize: 4 | 8, t: [number, number][], types: number[], leaps: number) => {
    const head = Buffer.alloc(44);
    head.write('TZif', 0, 'latin1');
    head.write(version, 4, 'latin1');
    [0, 0, leaps, t.length, types.length, chars.length].forEach((n, i) => head.writeUInt32BE(n, 20 + i * 4));
    const body: Buffer[] = [head];
    for (const [at] of t) {
      const b = Buffer.alloc(timeSize);
      if (timeSize === 4) b.writeInt32BE(at);
      else b.writeBigInt64BE(BigInt(at));
      body.push(b);
    }
    body.push(Buffer.from(t.map(([, type]) => type)));
    for (const off of types) {
      const b = Buffer.alloc(6);
      b.writeInt32BE(off);
      body.push(b);
    }
    body.push(Buffer.from(chars, 'latin1'), Buffer.alloc(leaps * (timeSize + 4)));
    return Buffer.concat(body);
  };
  const t = z.transitions ?? [];
  const leaps = z.leaps ?? 0;
  if (version === '\0') return block(4, t, z.types, leaps);
  const v1 = z.slimV1 ? block(4, [], [0], 0) : block(4, t, z.types, leaps);
  return Buffer.concat([v1, block(8, t, z.types, leaps), Buffer.from(`\n${z.footer ?? 'UTC0'}\n`, 'latin1')]);
}

describe('fixedOffsetOf', () => {
  test('UTC and fixed zones give their offset, in every TZif version', () => {
    expect(fixedOffsetOf(tzif({ types: [0], footer: 'UTC0' }))).toBe(0);
    expect(fixedOffsetOf(tzif({ version: '\0', types: [0] }))).toBe(0);
    expect(fixedOffsetOf(tzif({ version: '3', types: [10800], footer: '<+03>-3' }))).toBe(10_800_000);
    expect(fixedOffsetOf(tzif({ types: [-18000], footer: '<-05>5' }))).toBe(-18_000_000);
    expect(fixedOffsetOf(tzif({ types: [19800], footer: 'IST-5:30' }))).toBe(19_800_000);
  });

  test('a zone with transitions, leap seconds, two types or a DST rule is not fixed', () => {
    expect(fixedOffsetOf(tzif({ types: [3600, 7200], transitions: [[1_700_000_000, 1]], footer: 'CET-1CEST,M3.5.0,M10.5.0/3' }))).toBeUndefined();
    expect(fixedOffsetOf(tzif({ types: [0], leaps: 2, footer: 'UTC0' }))).toBeUndefined();
    expect(fixedOffsetOf(tzif({ types: [0, 3600], footer: 'UTC0' }))).toBeUndefined();
    // No transitions listed, but the footer says the clock changes every year.
    expect(fixedOffsetOf(tzif({ types: [-18000], footer: 'EST5EDT,M3.2.0,M11.1.0' }))).toBeUndefined();
  });

  test('a slim v2 file is judged by its 64-bit block, not the minimal v1 one', () => {
    const berlin = tzif({ slimV1: true, types: [3600, 7200], transitions: [[1_700_000_000, 1]], footer: 'CET-1CEST,M3.5.0,M10.5.0/3' });
    expect(fixedOffsetOf(berlin)).toBeUndefined();
    expect(fixedOffsetOf(tzif({ slimV1: true, types: [10800], footer: '<+03>-3' }))).toBe(10_800_000);
  });

  test('anything that is not a whole TZif file is undefined, never a throw', () => {
    const good = tzif({ types: [0] });
    expect(fixedOffsetOf(new Uint8Array())).toBeUndefined();
    expect(fixedOffsetOf(Buffer.from('root:x:0:0:root:/root:/bin/bash\n'))).toBeUndefined();
    for (const cut of [10, 44, 60, good.length - 30]) expect(fixedOffsetOf(good.subarray(0, cut))).toBeUndefined();
  });
});

describe('fixedZoneOffsetMs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-tz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'Etc'));
  writeFileSync(join(dir, 'Etc', 'GMT-3'), tzif({ types: [10800], footer: '<+03>-3' }));
  writeFileSync(join(dir, 'Berlin'), tzif({ types: [3600, 7200], transitions: [[1_700_000_000, 1]], footer: 'CET-1CEST,M3.5.0,M10.5.0/3' }));

  test('TZ names a zone under TZDIR, or a file with ":"', () => {
    expect(fixedZoneOffsetMs({ TZ: 'Etc/GMT-3', TZDIR: dir })).toBe(10_800_000);
    expect(fixedZoneOffsetMs({ TZ: ':Etc/GMT-3', TZDIR: dir })).toBe(10_800_000);
    expect(fixedZoneOffsetMs({ TZ: `:${join(dir, 'Etc', 'GMT-3')}` })).toBe(10_800_000);
    expect(fixedZoneOffsetMs({ TZ: 'Berlin', TZDIR: dir })).toBeUndefined();
  });

  test('without TZ: /etc/localtime (here a stand-in); none at all is UTC, as for libc and ICU', () => {
    expect(fixedZoneOffsetMs({}, join(dir, 'Etc', 'GMT-3'))).toBe(10_800_000);
    expect(fixedZoneOffsetMs({ TZ: '' }, join(dir, 'Berlin'))).toBeUndefined();
    expect(fixedZoneOffsetMs({}, join(dir, 'no-localtime'))).toBe(0);
    // A TZ naming a missing zone is not taken for UTC.
    expect(fixedZoneOffsetMs({ TZ: 'Nowhere/Zone', TZDIR: dir }, join(dir, 'no-localtime'))).toBeUndefined();
  });

  test('a POSIX rule, a missing zone or a name leaving TZDIR is left to ICU', () => {
    expect(fixedZoneOffsetMs({ TZ: 'UTC0', TZDIR: dir })).toBeUndefined();
    expect(fixedZoneOffsetMs({ TZ: 'EST5EDT,M3.2.0,M11.1.0', TZDIR: dir })).toBeUndefined();
    expect(fixedZoneOffsetMs({ TZ: 'Nowhere/Zone', TZDIR: dir })).toBeUndefined();
    expect(fixedZoneOffsetMs({ TZ: '../Etc/GMT-3', TZDIR: join(dir, 'Etc') })).toBeUndefined();
  });

  // The real tz database, when the machine has it: what we read must be what ICU computes.
  test.skipIf(!existsSync('/usr/share/zoneinfo/Europe/Berlin'))('real zones agree with the offsets ICU computes', () => {
    const probe = `import { fixedZoneOffsetMs } from ${JSON.stringify(join(import.meta.dir, 'fixed-zone-offset.ts'))};
      const icu = [Date.UTC(2026, 0, 15), Date.UTC(2026, 6, 15)].map((t) => -new Date(t).getTimezoneOffset() * 60000);
      console.log(JSON.stringify({ ours: fixedZoneOffsetMs() ?? null, icu }));`;
    const read = (tz: string) => {
      const r = Bun.spawnSync([process.execPath, '-e', probe], { env: { ...process.env, TZ: tz, TZDIR: '' } });
      return JSON.parse(r.stdout.toString()) as { ours: number | null; icu: number[] };
    };
    expect(read('UTC')).toEqual({ ours: 0, icu: [0, 0] });
    expect(read('Etc/GMT-3')).toEqual({ ours: 10_800_000, icu: [10_800_000, 10_800_000] });
    expect(read('Europe/Berlin')).toEqual({ ours: null, icu: [3_600_000, 7_200_000] });
  });
});
