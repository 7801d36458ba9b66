/**
 * Shared helpers of the foundation end-to-end tests: polling, health reads, free ports, and
 * the CLI run as a real subprocess (`bun --no-install core/cli.ts …`).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';

export const ROOT = resolve(import.meta.dir, '../..');
export const CLI = join(ROOT, 'core/cli.ts');

/** Polls `check` every few ms until it returns a truthy value; throws `label` after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | Promise<T>, timeoutMs = 3000, label = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}${last ? ` (last error: ${String(last)})` : ''}`);
    await Bun.sleep(10);
  }
}

/** The shape of `/api/health` the tests read. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  config: { generation: number; lastReloadError: { file: string; line?: number; col?: number; path?: string; message: string } | null };
  providers: Array<{ name: string; type: string }>;
  plugins: Array<{ name: string; kind: string; state: string; error?: string; hooks: string[] }>;
}

export async function health(url: string): Promise<Health> {
  const r = await fetch(`${url}/api/health`);
  if (r.status !== 200) throw new Error(`health answered ${r.status}`);
  return (await r.json()) as Health;
}

const TEMP_PREFIX = 'sy-found-';

/** A new, empty temp folder of these tests (`<tmp>/sy-found-<tag>-XXXXXX`). Remove it with `removeTempDir`. */
export function makeTempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${tag}-`));
}

/**
 * Removes a folder made by `makeTempDir`, and nothing else: anything that is not a direct
 * child of the temp folder named `sy-found-…` is refused (a wrong path must never delete more).
 */
export function removeTempDir(dir: string): void {
  const abs = resolve(dir);
  if (dirname(abs) !== resolve(tmpdir()) || !basename(abs).startsWith(TEMP_PREFIX)) {
    throw new Error(`refusing to remove ${abs}: not a folder made by makeTempDir`);
  }
  rmSync(abs, { recursive: true, force: true });
}

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort(): number {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}

/** A minimal chat body. */
export function chatBody(model: string, text = 'hello', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: 'user', content: text }], ...extra };
}

/** POST /v1/chat/completions with a key (or none). */
export function postChat(url: string, key: string | undefined, body: unknown, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json');
  if (key !== undefined) headers.set('authorization', `Bearer ${key}`);
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', ...init, headers, body: JSON.stringify(body) });
}

/** Every file under `dir` (recursive), with its bytes. */
export function readAllFiles(dir: string): Array<{ file: string; bytes: Buffer }> {
  const out: Array<{ file: string; bytes: Buffer }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...readAllFiles(p));
    else out.push({ file: p, bytes: readFileSync(p) });
  }
  return out;
}

/** Environment for a CLI subprocess: no provider keys or Switchyard settings leak in from ours. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1' };
  return { ...env, ...extra };
}

/** A CLI process started with piped output, whose stdout/stderr are collected as they arrive. */
export interface CliProcess {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout once it matches `re`; throws after `timeoutMs` or when the process exits first. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number>;
}

function collect(stream: ReadableStream<Uint8Array>, into: { text: string }): Promise<void> {
  const dec = new TextDecoder();
  return (async () => {
    for await (const chunk of stream) into.text += dec.decode(chunk, { stream: true });
  })();
}

/** Starts `bun --no-install core/cli.ts ...args` without waiting for it. */
export function spawnCli(args: string[], env: Record<string, string> = cleanEnv()): CliProcess {
  const proc = Bun.spawn([process.execPath, '--no-install', CLI, ...args], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', env, cwd: ROOT });
  const out = { text: '' };
  const err = { text: '' };
  const drained = Promise.all([collect(proc.stdout, out), collect(proc.stderr, err)]);
  let gone = false;
  const exited = proc.exited.then(async (code) => {
    gone = true;
    await drained;
    return code;
  });
  return {
    proc, exited,
    stdout: () => out.text,
    stderr: () => err.text,
    async waitForOutput(re, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const m = out.text.match(re);
        if (m) return m;
        if (gone || Date.now() > until) {
          throw new Error(`CLI output did not match ${re}${gone ? ' (process exited)' : ''}\nstdout: ${out.text}\nstderr: ${err.text}`);
        }
        await Bun.sleep(5);
      }
    },
  };
}

/** Runs a CLI command to completion. */
export async function runCli(args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = spawnCli(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Reads a whole SSE response as text. */
export async function readText(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

/**
 * What a file of CLI process tests shares: a mock OpenAI upstream started before its tests, and
 * the temp dirs and processes it lists in `roots` and `procs`, removed and killed after them.
 */
export function cliTestScope(): { readonly up: MockOpenAI; roots: string[]; procs: CliProcess[] } {
  let up: MockOpenAI | undefined;
  const scope = {
    get up(): MockOpenAI {
      if (!up) throw new Error('the mock upstream starts in beforeAll');
      return up;
    },
    roots: [] as string[],
    procs: [] as CliProcess[],
  };
  beforeAll(async () => {
    up = await startMockOpenAI();
  });
  afterAll(async () => {
    for (const p of scope.procs) if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
    await up?.stop();
    for (const r of scope.roots) removeTempDir(r);
  });
  return scope;
}
