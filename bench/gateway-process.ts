/**
 * The gateway as the benchmark sees it: a real `core/cli.ts` process with its own data dir,
 * pinned to the core under test, configured with two providers on the fast mock (an
 * OpenAI-format one for the passthrough lane, an Anthropic-format one for the translated lane).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CPU_UNDER_TEST, freePort, spawnPinned, waitUntil, type Child } from './processes.ts';

const ROOT = resolve(import.meta.dir, '..');
const CLI = join(ROOT, 'core/cli.ts');

/** Model names the bench sends to the gateway. */
export const MODELS = {
  passthrough: 'up/bench-model',
  passthroughTtft: 'up/bench-ttft',
  translated: 'claude/claude-bench',
  translatedTtft: 'claude/claude-bench-ttft',
} as const;

export interface GatewaySetup {
  dataDir: string;
  key: string;
}

/**
 * Writes the bench config into a fresh data dir and creates a client key with the CLI
 * (its last stdout line). `logLevel` is the gateway's `logging.level` (its default is info).
 */
export function prepareGateway(mockUrl: string, logLevel: string): GatewaySetup {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  writeFileSync(join(dataDir, 'switchyard.yaml'), [
    'server: { host: 127.0.0.1 }',
    `logging: { level: ${logLevel} }`,
    'providers:',
    `  up: { type: openai, base_url: ${mockUrl}/v1, keys: [sk-bench-upstream], allow_private_network: true }`,
    `  claude: { type: anthropic, base_url: ${mockUrl}, keys: [sk-bench-upstream], allow_private_network: true }`,
    '',
  ].join('\n'));
  const r = Bun.spawnSync([process.execPath, '--no-install', CLI, 'keys', 'create', '--data-dir', dataDir, '--name', 'bench'], { cwd: ROOT });
  const key = r.stdout.toString().trim().split('\n').pop()?.trim() ?? '';
  if (r.exitCode !== 0 || !key) throw new Error(`keys create failed: ${r.stderr.toString() || r.stdout.toString()}`);
  return { dataDir, key };
}

/** A started gateway and how long it took from spawn to its first proxied 200. */
export interface GatewayRun {
  child: Child;
  url: string;
  coldStartMs: number;
  logFile: string;
}

/**
 * Spawns the gateway and polls a real proxied chat completion until it answers 200: the
 * elapsed time from spawn is the cold start (process start, config, DB, plugins, listen,
 * first upstream call). `bunFlags` go before the script (e.g. `--cpu-prof`).
 */
export async function startGatewayProcess(setup: GatewaySetup, label: string, bunFlags: string[] = []): Promise<GatewayRun> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(setup.dataDir, `gateway-${label}.log`);
  const body = JSON.stringify({ model: MODELS.passthrough, messages: [{ role: 'user', content: 'hi' }] });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${setup.key}` };
  const t0 = performance.now();
  const child = spawnPinned(CPU_UNDER_TEST, [
    process.execPath, '--no-install', ...bunFlags, CLI, '--data-dir', setup.dataDir, '--port', String(port), '--no-open',
  ], logFile);
  const probe = async () => {
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body }).catch(() => undefined);
    if (!res) return false; // not listening yet
    const text = await res.text();
    if (res.status !== 200) throw new Error(`gateway answered ${res.status}: ${text.slice(0, 300)}`);
    return true;
  };
  try {
    await waitUntil(probe, { what: 'gateway', child, logFile, everyMs: 2, timeoutMs: 20_000 });
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { child, url, coldStartMs: performance.now() - t0, logFile };
}
