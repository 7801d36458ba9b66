import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configTargets, THE_FILE, watchConfig, watchPaths } from './watch-config.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves once `count()` reaches `n`, or after `ms` (the caller then asserts). */
async function waitFor(count: () => number, n: number, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  while (count() < n && Date.now() < until) await sleep(10);
}

describe('watchConfig', () => {
  test('sees an editor-style save (temp file + rename), repeatedly', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'server: {}\n');
    let calls = 0;
    const stop = watchConfig(file, () => calls++, { debounceMs: 40 });
    cleanups.push(stop);

    for (let i = 1; i <= 2; i++) {
      const tmp = join(dir, `.switchyard.yaml.${i}.tmp`);
      writeFileSync(tmp, `server: { port: ${1000 + i} }\n`);
      renameSync(tmp, file);
      await waitFor(() => calls, i);
      expect(calls).toBe(i);
      await sleep(80); // let the burst settle before the next save
    }
    expect(calls).toBe(2);
  });

  test('debounces a burst of writes into one call', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    let calls = 0;
    cleanups.push(watchConfig(file, () => calls++, { debounceMs: 120 }));
    for (let i = 1; i <= 5; i++) {
      writeFileSync(file, `a: ${i}\n`);
      await sleep(15);
    }
    await waitFor(() => calls, 1);
    await sleep(300); // a second call would have arrived by now
    expect(calls).toBe(1);
  });

  test('ignores other files in the folder and stops after dispose', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    let calls = 0;
    const stop = watchConfig(file, () => calls++, { debounceMs: 30 });
    writeFileSync(join(dir, 'other.yaml'), 'x: 1\n');
    writeFileSync(join(dir, 'switchyard.yaml.bak'), 'x: 1\n');
    await sleep(200);
    expect(calls).toBe(0);
    writeFileSync(file, 'a: 1\n');
    stop(); // cancels the pending call too
    await sleep(200);
    expect(calls).toBe(0);
  });

  test('a config file that is a file is watched itself, not its folder (the data dir, where SQLite writes its WAL)', () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    expect([...configTargets(file)]).toEqual([[file, THE_FILE]]);
  });

  // Docker's `-v ./switchyard.yaml:/data/switchyard.yaml`: the host edits the file through its own
  // folder, so a watch of the folder it is mounted in never hears of it; a watch of the file does.
  const canBindMount = process.platform === 'linux' && process.getuid?.() === 0 && Bun.which('mount') !== null;
  test.skipIf(!canBindMount)('a single file bind-mounted (a container\'s config): an in-place edit on the host is seen', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'host'));
    mkdirSync(join(dir, 'data'));
    const hostFile = join(dir, 'host', 'switchyard.yaml');
    const mounted = join(dir, 'data', 'switchyard.yaml');
    writeFileSync(hostFile, 'a: 0\n');
    writeFileSync(mounted, '');
    if (Bun.spawnSync(['mount', '--bind', hostFile, mounted]).exitCode !== 0) return; // no mount here (a container without the privilege)
    cleanups.push(() => void Bun.spawnSync(['umount', mounted]));
    let calls = 0;
    cleanups.push(watchConfig(mounted, () => calls++, { debounceMs: 30 }));
    writeFileSync(hostFile, 'a: 1\n');
    await waitFor(() => calls, 1);
    expect(calls).toBe(1);
  });

  test('deleted, then written again: both are seen (its folder is watched while it is missing)', async () => {
    const dir = tempDir();
    const file = join(dir, 'switchyard.yaml');
    writeFileSync(file, 'a: 0\n');
    let calls = 0;
    cleanups.push(watchConfig(file, () => calls++, { debounceMs: 30 }));
    unlinkSync(file);
    await waitFor(() => calls, 1);
    expect(calls).toBe(1);
    expect([...configTargets(file).keys()]).toEqual([dir]);
    await sleep(60);
    writeFileSync(file, 'a: 1\n');
    await waitFor(() => calls, 2);
    expect(calls).toBe(2);
    await sleep(60);
    writeFileSync(file, 'a: 2\n'); // watched as a file again
    await waitFor(() => calls, 3);
    expect(calls).toBe(3);
  });
});

describe('watchConfig with a symlinked config file', () => {
  test('an edit of the link\'s target is seen, in place and by temp file + rename', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'dotfiles'));
    const target = join(dir, 'dotfiles', 'switchyard.yaml');
    writeFileSync(target, 'a: 0\n');
    symlinkSync('../dotfiles/switchyard.yaml', join(dir, 'home', 'switchyard.yaml'));
    let calls = 0;
    cleanups.push(watchConfig(join(dir, 'home', 'switchyard.yaml'), () => calls++, { debounceMs: 40 }));

    writeFileSync(target, 'a: 1\n');
    await waitFor(() => calls, 1);
    expect(calls).toBe(1);
    await sleep(80);
    writeFileSync(`${target}.tmp`, 'a: 2\n');
    renameSync(`${target}.tmp`, target);
    await waitFor(() => calls, 2);
    expect(calls).toBe(2);
  });

  test('a link pointed at another file is followed from then on; the old target no longer counts', async () => {
    const dir = tempDir();
    for (const d of ['home', 'one', 'two']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'one', 'c.yaml'), 'a: 0\n');
    writeFileSync(join(dir, 'two', 'c.yaml'), 'a: 0\n');
    const link = join(dir, 'home', 'c.yaml');
    symlinkSync(join(dir, 'one', 'c.yaml'), link);
    let calls = 0;
    cleanups.push(watchConfig(link, () => calls++, { debounceMs: 40 }));

    unlinkSync(link);
    symlinkSync(join(dir, 'two', 'c.yaml'), link);
    await waitFor(() => calls, 1);
    await sleep(100);
    expect(calls).toBe(1);
    writeFileSync(join(dir, 'two', 'c.yaml'), 'a: 1\n');
    await waitFor(() => calls, 2);
    expect(calls).toBe(2);
    writeFileSync(join(dir, 'one', 'c.yaml'), 'a: 1\n');
    await sleep(200);
    expect(calls).toBe(2);
  });

  test('a link to a link: an edit at the end of the chain is seen', async () => {
    const dir = tempDir();
    for (const d of ['home', 'mid', 'real']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'real', 'c.yaml'), 'a: 0\n');
    symlinkSync(join(dir, 'real', 'c.yaml'), join(dir, 'mid', 'c.yaml'));
    symlinkSync(join(dir, 'mid', 'c.yaml'), join(dir, 'home', 'c.yaml'));
    let calls = 0;
    cleanups.push(watchConfig(join(dir, 'home', 'c.yaml'), () => calls++, { debounceMs: 40 }));
    writeFileSync(join(dir, 'real', 'c.yaml'), 'a: 1\n');
    await waitFor(() => calls, 1);
    expect(calls).toBe(1);
  });

  test('a Kubernetes ConfigMap update (a new timestamped folder, `..data` swapped to it, the old one removed) is seen, twice', async () => {
    const dir = tempDir();
    const version = (n: number) => {
      mkdirSync(join(dir, `..2026_11_27_v${n}`));
      writeFileSync(join(dir, `..2026_11_27_v${n}`, 'switchyard.yaml'), `a: ${n}\n`);
    };
    version(1);
    symlinkSync(`..2026_11_27_v1`, join(dir, '..data'));
    symlinkSync('..data/switchyard.yaml', join(dir, 'switchyard.yaml'));
    let calls = 0;
    cleanups.push(watchConfig(join(dir, 'switchyard.yaml'), () => calls++, { debounceMs: 30 }));
    for (const n of [2, 3]) {
      // What the kubelet's atomic writer does.
      version(n);
      symlinkSync(`..2026_11_27_v${n}`, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, `..2026_11_27_v${n - 1}`), { recursive: true });
      await waitFor(() => calls, n - 1);
      expect(calls).toBe(n - 1);
      await sleep(80);
    }
  });

  test('the links\' folders are watched for the links\' names; the real file itself', () => {
    const dir = tempDir();
    for (const d of ['home', 'real']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'real', 'c.yaml'), 'a: 0\n');
    symlinkSync(join(dir, 'real', 'c.yaml'), join(dir, 'home', 'c.yaml'));
    const targets = configTargets(join(dir, 'home', 'c.yaml'));
    expect([...targets.keys()].sort()).toEqual([join(dir, 'home'), join(dir, 'real', 'c.yaml')]);
    expect(targets.get(join(dir, 'real', 'c.yaml'))).toBe(THE_FILE);
    const home = targets.get(join(dir, 'home')) as (n: string) => boolean;
    expect([home('c.yaml'), home('..data'), home('other.yaml')]).toEqual([true, true, false]);
  });
});

describe('watchPaths', () => {
  test('one debounced call per burst, only for names that pass their folder\'s filter', async () => {
    const a = tempDir();
    const b = tempDir();
    let calls = 0;
    const w = watchPaths(() => calls++, 50);
    cleanups.push(() => w.close());
    expect(w.set(new Map([[a, (n: string) => n.endsWith('.ts')], [b, (n: string) => n === 'x.ts']]))).toEqual([]);
    writeFileSync(join(a, 'notes.md'), '# no');
    writeFileSync(join(b, 'y.ts'), 'no');
    await sleep(150);
    expect(calls).toBe(0);
    writeFileSync(join(a, 'a.ts'), 'export default 1');
    writeFileSync(join(b, 'x.ts'), 'export default 2');
    await waitFor(() => calls, 1);
    await sleep(120);
    expect(calls).toBe(1);
  });

  test('set swaps the folders: a dropped one goes quiet; a missing one is returned, not thrown', async () => {
    const a = tempDir();
    const b = tempDir();
    let calls = 0;
    const w = watchPaths(() => calls++, 30);
    cleanups.push(() => w.close());
    const missing = join(tmpdir(), 'sy-missing-folder-xyz');
    expect(w.set(new Map([[a, () => true], [missing, () => true]]))).toEqual([missing]);
    w.set(new Map([[b, () => true]]));
    writeFileSync(join(a, 'a.ts'), '1');
    await sleep(120);
    expect(calls).toBe(0);
    writeFileSync(join(b, 'b.ts'), '2');
    await waitFor(() => calls, 1);
  });
});
