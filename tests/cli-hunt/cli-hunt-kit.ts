/**
 * What the CLI hunt tests share: temp folders removed after the file's tests, and the CLI run as
 * a real subprocess (`bun --no-install core/cli.ts …`) from a chosen working directory with a
 * clean environment, killed when it outlives `timeoutMs` (a command that should have refused to
 * start, but serves instead).
 */
import { afterAll } from 'bun:test';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, cleanEnv, makeTempDir, removeTempDir } from '../foundation/foundation-kit.ts';

export { cleanEnv, freePort } from '../foundation/foundation-kit.ts';

/** The outcome of one CLI run; `code` is null when it was still running at the timeout. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Temp folders of one test file, removed after its tests. */
export function tempRoots(): (tag: string) => string {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) removeTempDir(r);
  });
  return (tag) => {
    const r = makeTempDir(`hunt-${tag}`);
    roots.push(r);
    return r;
  };
}

/**
 * Runs the CLI to completion, or kills it after `timeoutMs`. `cwd` is a temp folder, never the
 * repository: a CLI that writes to its working directory must not write there.
 */
export async function runCli(
  args: string[],
  o: { env?: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<CliRun> {
  const proc = Bun.spawn([process.execPath, '--no-install', CLI, ...args], {
    stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env: o.env ?? cleanEnv(), cwd: o.cwd,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, o.timeoutMs ?? 8000);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code: timedOut ? null : code, stdout, stderr };
}

/** A working directory and HOME (made, mode 0755) and a data dir (not made) in a temp root. */
export function sandbox(root: string): { cwd: string; home: string; dataDir: string } {
  const box = { cwd: join(root, 'cwd'), home: join(root, 'home'), dataDir: join(root, 'data') };
  for (const dir of [box.cwd, box.home]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
  return box;
}
