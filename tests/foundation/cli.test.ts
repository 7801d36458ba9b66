/**
 * The CLI as a user runs it (`bun --no-install core/cli.ts …` in a subprocess, temp data dir):
 * --help and --version, the first run (data dir 0700, commented config 0600, a key printed once
 * that works, bound to 127.0.0.1 only), `keys create/list/revoke` against a running server,
 * cold start to the first proxied response, and SIGTERM letting an in-flight stream finish
 * (within shutdown_grace_ms) before flushing usage and exiting 0.
 */
import { beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../core/server/version.ts';
import {
  chatBody, cleanEnv, cliTestScope, freePort, makeTempDir, postChat, readText, runCli, spawnCli, type CliProcess,
} from './foundation-kit.ts';

const scope = cliTestScope();
const { roots, procs } = scope;

function newRoot(tag: string): string {
  const r = makeTempDir(tag);
  roots.push(r);
  return r;
}

function serve(args: string[], env?: Record<string, string>): CliProcess {
  const p = spawnCli(['--no-open', ...args], env);
  procs.push(p);
  return p;
}

/** Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on `port`. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, p] = cols[1].split(':');
      if (p === hexPort) out.push(addr);
    }
  }
  return out;
}

const models = (url: string, key: string) => fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

describe('CLI', () => {
  test('--help and --version', async () => {
    const [help, short, version] = await Promise.all([runCli(['--help']), runCli(['-h']), runCli(['--version'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    for (const word of ['--port', '--host', '--config', '--data-dir', '--no-open', 'keys create', 'keys list', 'keys revoke', 'check']) {
      expect(help.stdout).toContain(word);
    }
    expect(short.stdout).toBe(help.stdout);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(VERSION);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await runCli(['frobnicate']);
    expect(bad.code).not.toBe(0);
  });

  test('a data dir written ~/… where no shell expanded it (--data-dir=~/x, or in the environment) is in the home folder', async () => {
    const home = newRoot('cli-home');
    const flag = await runCli(['keys', 'create', '--data-dir=~/sy-flag'], cleanEnv({ HOME: home }));
    expect(flag.code).toBe(0);
    expect(statSync(join(home, 'sy-flag', 'switchyard.db')).isFile()).toBe(true);
    const env = await runCli(['keys', 'create'], cleanEnv({ HOME: home, SWITCHYARD_DATA_DIR: '~/sy-env', SWITCHYARD_CONFIG: '~/sy-env/c.yaml' }));
    expect(env.code).toBe(0);
    expect(statSync(join(home, 'sy-env', 'switchyard.db')).isFile()).toBe(true);
    // The CLI runs in the repository: no folder named `~` was made there.
    expect(() => statSync(join(import.meta.dir, '../..', '~'))).toThrow();
  });

  test('first run, default bind, and keys create / list / revoke against the running server', async () => {
    const dataDir = join(newRoot('firstrun'), 'data');
    // Made beforehand the way `mkdir -p ~/.switchyard/plugins` makes it: 0755. The gateway tightens it.
    mkdirSync(join(dataDir, 'plugins'), { recursive: true, mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const port = freePort();
    const p = serve(['--data-dir', dataDir, '--port', String(port)]);
    const m = await p.waitForOutput(/store it now:\n\s+(\S+)\n[\s\S]*Data dir/);
    const firstKey = m[1];
    const url = `http://127.0.0.1:${port}`;
    expect(p.stdout()).toContain(`${url}/v1`);
    expect(p.stdout()).toContain('First run');

    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const configFile = join(dataDir, 'switchyard.yaml');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    // The database (usage, debug bodies, session hashes, sealed tokens) is the owner's only.
    for (const f of ['switchyard.db', 'switchyard.db-wal']) expect([f, statSync(join(dataDir, f)).mode & 0o777]).toEqual([f, 0o600]);
    const config = readFileSync(configFile, 'utf8');
    expect(config.startsWith('#')).toBe(true);
    expect(config).toContain('server:');

    // Bound to loopback only: every listening socket on the port is 127.0.0.1.
    const addrs = listeners(port);
    expect(addrs.length).toBeGreaterThan(0);
    expect(addrs.every((a) => a === '0100007F')).toBe(true);

    const list0 = await models(url, firstKey);
    expect(list0.status).toBe(200);
    expect(((await list0.json()) as { object: string }).object).toBe('list');
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);

    // keys create while the server runs: the key alone on the last stdout line, accepted at once.
    const created = await runCli(['keys', 'create', '--name', 'x', '--data-dir', dataDir]);
    expect(created.code).toBe(0);
    const outLines = created.stdout.trimEnd().split('\n');
    const newKey = outLines.at(-1)!;
    expect(newKey).toMatch(/^sy-\S+$/);
    const id = /Created key (\S+) \(x\)/.exec(created.stdout)?.[1];
    expect(id).toBeDefined();
    expect((await models(url, newKey)).status).toBe(200);

    // keys list: ids, names and prefixes, never a secret.
    const listed = await runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(id!))!;
    expect(row).toContain('x');
    expect(row).toContain('active');
    expect(row).toContain(newKey.slice(0, 12));
    expect(listed.stdout).not.toContain(newKey);
    expect(listed.stdout).not.toContain(firstKey);

    // keys revoke: refused by the running server at once.
    const revoked = await runCli(['keys', 'revoke', id!, '--data-dir', dataDir]);
    expect(revoked.code).toBe(0);
    const after = await models(url, newKey);
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    expect((await models(url, firstKey)).status).toBe(200);
    const listed2 = await runCli(['keys', 'list', '--data-dir', dataDir]);
    expect(listed2.stdout.split('\n').find((l) => l.startsWith(id!))).toContain('revoked');
    expect((await runCli(['keys', 'revoke', 'key_doesnotexist', '--data-dir', dataDir])).code).toBe(1);

    // No secret in what the server printed after start-up (the first key is shown once only).
    expect(p.stdout().split(firstKey).length - 1).toBe(1);
    expect(p.stdout() + p.stderr()).not.toContain(newKey);

    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  describe('with a mock upstream', () => {
    let dataDir: string;
    let key: string;

    beforeAll(async () => {
      dataDir = newRoot('cold');
      writeFileSync(join(dataDir, 'switchyard.yaml'), `
server: { shutdown_grace_ms: 4000 }
providers:
  up: { type: openai, base_url: ${scope.up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
      const created = await runCli(['keys', 'create', '--name', 'cold', '--data-dir', dataDir]);
      key = created.stdout.trimEnd().split('\n').at(-1)!;
    });

    test('cold start to the first proxied response', async () => {
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const t0 = performance.now();
      const p = serve(['--data-dir', dataDir, '--port', String(port)]);
      let status = 0;
      while (performance.now() - t0 < 5000) {
        try {
          const r = await postChat(url, key, chatBody('up/gpt-4o', 'cold start'));
          status = r.status;
          await r.arrayBuffer();
          if (status === 200) break;
        } catch {
          // not listening yet
        }
        await Bun.sleep(3);
      }
      const ms = performance.now() - t0;
      console.log(`cold start (spawn → first 200 from /v1/chat/completions via mock upstream): ${ms.toFixed(0)} ms (target 300 ms)`);
      expect(status).toBe(200);
      expect(ms).toBeLessThanOrEqual(1000);
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    });

    test('a drop-in plugin\'s stray rejection and throwing timer are logged once and blamed on its declared name; the gateway keeps serving', async () => {
      const root = newRoot('stray');
      mkdirSync(join(root, 'plugins'), { recursive: true });
      writeFileSync(join(root, 'switchyard.yaml'), readFileSync(join(dataDir, 'switchyard.yaml'), 'utf8'));
      // The file name is not the plugin's name: the blame goes to the name it declares.
      writeFileSync(join(root, 'plugins', 'poller.ts'), `export default { name: 'quota-poller', kind: 'observer', apiVersion: 1, setup() {
  const t = setInterval(() => void Promise.reject(new Error('quota refresh failed')), 50);
  setTimeout(() => { throw new Error('timer blew up'); }, 80);
  return () => clearInterval(t);
} };`);
      const created = await runCli(['keys', 'create', '--name', 'stray', '--data-dir', root]);
      const strayKey = created.stdout.trimEnd().split('\n').at(-1)!;
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const p = serve(['--data-dir', root, '--port', String(port)]);
      await p.waitForOutput(/is running/, 10_000);
      await Bun.sleep(400); // several rejections and the throwing timer
      expect(p.proc.exitCode).toBeNull();
      const r = await postChat(url, strayKey, chatBody('up/gpt-4o', 'still here'));
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      const lines = (p.stdout() + p.stderr()).split('\n');
      const rejections = lines.filter((l) => l.includes('quota refresh failed'));
      expect(rejections.length).toBeGreaterThan(0);
      for (const l of rejections) expect(l).toContain('plugin quota-poller errored in async');
      expect(lines.filter((l) => l.includes('timer blew up'))).toEqual([expect.stringContaining('plugin quota-poller errored in async')]);
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    });

    test('SIGTERM: the in-flight stream finishes, new connections are refused, usage is flushed, exit 0', async () => {
      const port = freePort();
      const url = `http://127.0.0.1:${port}`;
      const p = serve(['--data-dir', dataDir, '--port', String(port)]);
      await p.waitForOutput(/is running/);

      const words = 'the stream keeps going after the signal';
      scope.up.script([{ chunkDelayMs: 60 }]);
      const res = await postChat(url, key, chatBody('up/gpt-4o', words, { stream: true, stream_options: { include_usage: true } }));
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let text = dec.decode((await reader.read()).value, { stream: true });

      const signalledAt = performance.now();
      p.proc.kill('SIGTERM');
      await Bun.sleep(100);
      let refused = false;
      try {
        await fetch(`${url}/api/health`);
      } catch {
        refused = true;
      }
      expect(refused).toBe(true);

      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        text += dec.decode(r.value, { stream: true });
      }
      const streamEndedAt = performance.now();
      const content = [...text.matchAll(/^data: (\{.*\})$/gm)]
        .map((m) => (JSON.parse(m[1]) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
        .join('');
      expect(content).toBe(words);
      expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(streamEndedAt - signalledAt).toBeGreaterThan(200); // it really was in flight

      expect(await p.exited).toBe(0);
      expect(performance.now() - signalledAt).toBeLessThan(4000);
      const db = new Database(join(dataDir, 'switchyard.db'), { readonly: true });
      const row = db.query('SELECT status, output_tokens AS out FROM usage WHERE request_id = ?').get(requestId) as { status: string; out: number } | null;
      db.close();
      expect(row).toMatchObject({ status: 'ok' });
      expect(row!.out).toBeGreaterThan(0);
    });

    test('SIGTERM: a stream longer than shutdown_grace_ms is cut at the deadline, exit 0', async () => {
      const graceDir = newRoot('grace');
      writeFileSync(join(graceDir, 'switchyard.yaml'), `
server: { shutdown_grace_ms: 300 }
providers:
  up: { type: openai, base_url: ${scope.up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
      const graceKey = (await runCli(['keys', 'create', '--data-dir', graceDir])).stdout.trimEnd().split('\n').at(-1)!;
      const port = freePort();
      const p = serve(['--data-dir', graceDir, '--port', String(port)], cleanEnv());
      await p.waitForOutput(/is running/);
      scope.up.script([{ chunkDelayMs: 400 }]);
      const res = await postChat(`http://127.0.0.1:${port}`, graceKey, chatBody('up/gpt-4o', 'a b c d e f g h', { stream: true }));
      expect(res.status).toBe(200);
      const body = readText(res).catch(() => 'cut');
      const t0 = performance.now();
      p.proc.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      const took = performance.now() - t0;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(1500);
      expect(await body).not.toContain('[DONE]');
    });
  });
});
