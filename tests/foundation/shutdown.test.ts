/**
 * Shutdown edge cases of the CLI run as a real process: a second Ctrl-C / SIGTERM stops at once
 * instead of waiting out `server.shutdown_grace_ms`, and a signal that arrives while a plugin
 * reload is setting up a new instance waits for that setup and disposes the instance too.
 */
import { expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chatBody, cliTestScope, freePort, makeTempDir, postChat, readText, runCli, spawnCli, waitUntil, type CliProcess } from './foundation-kit.ts';

const scope = cliTestScope();
const { roots, procs } = scope;

async function gateway(tag: string, yaml: string): Promise<{ root: string; key: string; url: string; p: CliProcess }> {
  const root = makeTempDir(tag);
  roots.push(root);
  writeFileSync(join(root, 'switchyard.yaml'), `${yaml}
providers:
  up: { type: openai, base_url: ${scope.up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
  const key = (await runCli(['keys', 'create', '--data-dir', root])).stdout.trimEnd().split('\n').at(-1)!;
  const port = freePort();
  const p = spawnCli(['--no-open', '--data-dir', root, '--port', String(port)]);
  procs.push(p);
  await p.waitForOutput(/is running/, 10_000);
  return { root, key, url: `http://127.0.0.1:${port}`, p };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`a second ${signal} stops at once: the stream ends with one error event saying why, its usage row too, exit 0`, async () => {
    const { root, key, url, p } = await gateway(`second-${signal}`, 'server: { shutdown_grace_ms: 8000 }');
    scope.up.script([{ chunkDelayMs: 300 }]);
    const res = await postChat(url, key, chatBody('up/gpt-4o', 'one two three four five six seven eight nine ten', { stream: true }));
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    const body = readText(res).catch(() => 'cut');
    p.proc.kill(signal);
    await Bun.sleep(150);
    expect(p.proc.exitCode).toBeNull(); // the first signal waits for the stream
    const t0 = performance.now();
    p.proc.kill(signal);
    expect(await p.exited).toBe(0);
    expect(performance.now() - t0).toBeLessThan(1500);
    const text = await body;
    expect(text).not.toContain('[DONE]');
    // Not a reset: the client's own error event, once.
    expect(text.split('The gateway is shutting down.').length - 1).toBe(1);
    expect(p.stdout()).toContain(`second ${signal}`);
    const db = new Database(join(root, 'switchyard.db'), { readonly: true });
    const row = db.query('SELECT request_id, status, error_code FROM usage WHERE request_id = ?').get(requestId);
    db.close();
    expect(row).toEqual({ request_id: requestId, status: 'error_midstream', error_code: 'GW_UNAVAILABLE' });
  });
}

test('SIGHUP (the terminal closed) stops in order: exit 0, the last usage row written', async () => {
  const { root, key, url, p } = await gateway('sighup', 'server: { shutdown_grace_ms: 3000 }');
  const res = await postChat(url, key, chatBody('up/gpt-4o', 'one two three'));
  expect(res.status).toBe(200);
  const requestId = res.headers.get('x-request-id')!;
  await res.text();
  p.proc.kill('SIGHUP');
  expect(await p.exited).toBe(0);
  expect(p.stdout()).toContain('SIGHUP: finishing in-flight requests');
  const db = new Database(join(root, 'switchyard.db'), { readonly: true });
  const row = db.query('SELECT status FROM usage WHERE request_id = ?').get(requestId);
  db.close();
  expect(row).toEqual({ status: 'ok' });
});

test('SIGTERM while a plugin reload sets up a new instance: the setup finishes and both instances are disposed', async () => {
  const root = makeTempDir('reload-stop');
  roots.push(root);
  const log = join(root, 'plugin-log.txt');
  writeFileSync(log, '');
  const plugin = (v: number, setupMs: number) => `import { appendFileSync } from 'node:fs';
export default { name: 'slow-setup', kind: 'observer', apiVersion: 1, async setup() {
  appendFileSync(${JSON.stringify(log)}, 'setup-start ${v}\\n');
  await new Promise((r) => setTimeout(r, ${setupMs}));
  appendFileSync(${JSON.stringify(log)}, 'setup-end ${v}\\n');
  return () => appendFileSync(${JSON.stringify(log)}, 'dispose ${v}\\n');
} };`;
  mkdirSync(join(root, 'plugins'));
  writeFileSync(join(root, 'plugins', 'slow-setup.ts'), plugin(1, 0));
  writeFileSync(join(root, 'switchyard.yaml'), 'server: { shutdown_grace_ms: 3000 }\n');
  const p = spawnCli(['--no-open', '--data-dir', root, '--port', String(freePort())]);
  procs.push(p);
  await p.waitForOutput(/is running/, 10_000);
  writeFileSync(join(root, 'plugins', 'slow-setup.ts'), plugin(2, 700));
  await waitUntil(() => readFileSync(log, 'utf8').includes('setup-start 2'), 5000, 'the reload to set up version 2');
  p.proc.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  expect(lines).toContain('setup-end 2');
  expect(lines).toContain('dispose 1');
  expect(lines).toContain('dispose 2');
});
