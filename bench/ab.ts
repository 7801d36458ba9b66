/**
 * Paired A/B: the gateway of the working tree against the gateway of a git ref, both under
 * load at once on the pinned core, measured in alternating rounds. A single bench run moves
 * ±20 % on a shared VM from one minute to the next; the difference between two gateways
 * measured back to back, round after round, does not. This is how a hot-path change is judged.
 *
 *   bun bench/ab.ts HEAD~1                         # every lane, 8 rounds of 3 s at c=16
 *   AB_LANES=anthropic,gemini AB_ROUNDS=12 bun bench/ab.ts main
 *   AB_CONNECTIONS=1 bun bench/ab.ts HEAD          # c=1: compares p50 latency instead of CPU
 *
 * Per lane it prints each side's median, the median of the paired differences (new − base)
 * and in how many rounds the new side was lower. With c > 1 the number is CPU µs per request
 * (`/proc` utime + stime ÷ requests); with c=1 it is wrk's p50 latency in µs.
 * The ref is checked out in a temporary git worktree (sharing node_modules), removed at the end.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startFastMock } from './fast-mock-upstream.ts';
import { MODELS } from './gateway-process.ts';
import { runLoad } from './load.ts';
import { cpuMicros, pinSelf } from './processes.ts';

type GatewayModule = typeof import('./gateway-process.ts');

const ROOT = resolve(import.meta.dir, '..');
const ref = process.argv[2];
if (!ref) {
  console.error('usage: bun bench/ab.ts <git-ref>   (env: AB_LANES, AB_ROUNDS, AB_SECONDS, AB_CONNECTIONS)');
  process.exit(2);
}
const ROUNDS = Number(process.env.AB_ROUNDS ?? 8);
const SECONDS = Number(process.env.AB_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.AB_CONNECTIONS ?? 16);

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const openai = (model: string, stream: boolean) =>
  JSON.stringify({ model, messages: MESSAGES, max_tokens: 64, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) });
const anthropic = (model: string) => JSON.stringify({ model, max_tokens: 64, stream: true, messages: MESSAGES });

/** Each lane: a client dialect and an upstream format, as coding tools use the gateway. */
const LANES: Record<string, { path: string; body: string }> = {
  'non-stream': { path: '/v1/chat/completions', body: openai(MODELS.passthrough, false) },
  stream: { path: '/v1/chat/completions', body: openai(MODELS.passthrough, true) },
  translated: { path: '/v1/chat/completions', body: openai(MODELS.translated, true) },
  anthropic: { path: '/v1/messages', body: anthropic(MODELS.passthrough) },
  'anthropic-passthrough': { path: '/v1/messages', body: anthropic(MODELS.translated) },
  completions: { path: '/v1/completions', body: JSON.stringify({ model: MODELS.passthrough, prompt: 'Say hello.', max_tokens: 64, stream: true }) },
  responses: { path: '/v1/responses', body: JSON.stringify({ model: MODELS.passthrough, input: 'Say hello.', stream: true }) },
  // Codex sends store: false: the lane without the response store.
  'responses-unstored': { path: '/v1/responses', body: JSON.stringify({ model: MODELS.passthrough, input: 'Say hello.', stream: true, store: false }) },
  gemini: {
    path: `/v1beta/models/${encodeURIComponent(MODELS.passthrough)}:streamGenerateContent?alt=sse`,
    body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Say hello.' }] }] }),
  },
};
const lanes = (process.env.AB_LANES ?? Object.keys(LANES).join(',')).split(',').map((l) => l.trim());
for (const l of lanes) if (!LANES[l]) throw new Error(`unknown lane ${l}; lanes: ${Object.keys(LANES).join(', ')}`);

function git(...args: string[]): string {
  const r = Bun.spawnSync(['git', ...args], { cwd: ROOT });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  return r.stdout.toString().trim();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

pinSelf('0');
const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
const tree = join(mkdtempSync(join(tmpdir(), 'switchyard-ab-')), 'base');
git('worktree', 'add', '--detach', tree, commit);
const mock = startFastMock();
const stops: Array<() => Promise<void>> = [];
try {
  symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
  const mockUrl = `http://127.0.0.1:${mock.port}`;
  const sides: Array<{ label: 'base' | 'new'; pid: number; url: string; key: string }> = [];
  for (const [label, dir] of [['base', tree], ['new', ROOT]] as const) {
    const m = (await import(join(dir, 'bench/gateway-process.ts'))) as GatewayModule;
    const setup = m.prepareGateway(mockUrl, process.env.BENCH_LOG_LEVEL ?? 'info');
    stops.push(async () => rmSync(setup.dataDir, { recursive: true, force: true }));
    const gw = await m.startGatewayProcess(setup, `ab-${label}`);
    stops.unshift(() => gw.child.stop());
    sides.push({ label, pid: gw.child.pid, url: gw.url, key: setup.key });
  }
  const headers = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}`, 'anthropic-version': '2023-06-01' });
  console.log(`A/B: base ${ref} (${commit.slice(0, 9)}) vs the working tree; c=${CONNECTIONS}, ${ROUNDS} rounds of ${SECONDS} s; ` +
    (CONNECTIONS === 1 ? 'p50 latency µs' : 'CPU µs per request'));
  // Warm both up (the JIT compiler's thread shares the pinned core for the first seconds).
  for (const s of sides) for (const lane of lanes) await runLoad({ url: s.url + LANES[lane]!.path, body: LANES[lane]!.body, headers: headers(s.key), connections: 16, seconds: 2 });
  for (const lane of lanes) {
    const { path, body } = LANES[lane]!;
    const got: Record<'base' | 'new', number[]> = { base: [], new: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...sides].reverse() : sides) {
        const before = cpuMicros(s.pid);
        const out = await runLoad({ url: s.url + path, body, headers: headers(s.key), connections: CONNECTIONS, seconds: SECONDS });
        if (out.errors) throw new Error(`${lane} ${s.label}: ${out.errors} errors`);
        got[s.label].push(CONNECTIONS === 1 ? out.p50Ms * 1000 : (cpuMicros(s.pid) - before) / Math.max(1, out.requests));
      }
    }
    const diffs = got.new.map((x, i) => x - got.base[i]!);
    console.log(`${lane.padEnd(22)} base ${median(got.base).toFixed(1).padStart(6)}  new ${median(got.new).toFixed(1).padStart(6)}  ` +
      `paired new−base ${median(diffs) >= 0 ? '+' : ''}${median(diffs).toFixed(1)}  new lower in ${diffs.filter((d) => d < 0).length}/${diffs.length}`);
  }
} finally {
  for (const stop of stops) await stop();
  mock.stop?.();
  git('worktree', 'remove', '--force', tree);
  rmSync(dirname(tree), { recursive: true, force: true });
}
process.exit(0);
