/**
 * Hot reload as editors and scripts write the file: a file emptied by a save in progress
 * (`generate > switchyard.yaml` truncates first, writes later) keeps the running config instead
 * of serving an empty one; and a reload that changes what only a start applies (`server.host`,
 * `server.port`, `logging.file`) says so in the log instead of passing in silence.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../../core/server/start-gateway.ts';
import { health, spawnCli, waitUntil, type CliProcess } from '../foundation/foundation-kit.ts';
import { cleanEnv, freePort, tempRoots } from './cli-hunt-kit.ts';

const newRoot = tempRoots();
const running: RunningGateway[] = [];
const procs: CliProcess[] = [];
afterAll(async () => {
  for (const gw of running) await gw.stop(0);
  for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
});

const mocks = (...names: string[]) => `providers:\n${names.map((n) => `  ${n}: { type: mock }\n`).join('')}`;
const providerNames = async (url: string) => (await health(url)).providers.map((p) => p.name).sort();

describe('a config file emptied mid-save', () => {
  test('keeps the running config serving, reports it, and the finished save reloads', async () => {
    const dataDir = newRoot('empty');
    const configFile = join(dataDir, 'switchyard.yaml');
    writeFileSync(configFile, mocks('alpha'));
    const gw = await startGateway({ dataDir, configFile, port: 0, console: false, watchDebounceMs: 30 });
    running.push(gw);
    const gen = (await health(gw.url)).config.generation;

    truncateSync(configFile, 0); // the shell's `>` has run; the generator has not written yet
    const err = await waitUntil(async () => (await health(gw.url)).config.lastReloadError, 3000, 'the empty file to be rejected');
    expect(err.message).toContain('empty');
    expect(await providerNames(gw.url)).toEqual(['alpha']);
    expect((await health(gw.url)).config.generation).toBe(gen);

    writeFileSync(configFile, mocks('alpha', 'beta'));
    await waitUntil(async () => (await providerNames(gw.url)).includes('beta'), 3000, 'the finished save');
    expect((await health(gw.url)).config.lastReloadError).toBeNull();
  });

  test('a file that says nothing on purpose (only comments) is still a valid, empty config', async () => {
    const dataDir = newRoot('comments');
    const configFile = join(dataDir, 'switchyard.yaml');
    writeFileSync(configFile, mocks('alpha'));
    const gw = await startGateway({ dataDir, configFile, port: 0, console: false, watchDebounceMs: 30 });
    running.push(gw);
    writeFileSync(configFile, '# everything off for now\n');
    await waitUntil(async () => (await providerNames(gw.url)).length === 0, 3000, 'the commented file to load');
    expect((await health(gw.url)).config.lastReloadError).toBeNull();
  });
});

describe('settings only a start applies', () => {
  test('a reload that changes server.port keeps the port, and the log says a restart applies it', async () => {
    const dataDir = newRoot('port-change');
    const configFile = join(dataDir, 'switchyard.yaml');
    const port = freePort();
    writeFileSync(configFile, `server:\n  port: ${port}\n${mocks('alpha')}`);
    const p = spawnCli(['--no-open', '--data-dir', dataDir], cleanEnv());
    procs.push(p);
    await p.waitForOutput(/is running/, 10_000);
    const other = freePort();
    writeFileSync(configFile, `server:\n  port: ${other}\n${mocks('alpha', 'beta')}`);
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await providerNames(url)).includes('beta'), 5000, 'the reload');
    const line = await waitUntil(() => (p.stdout() + p.stderr()).split('\n').find((l) => l.includes('server.port')), 3000, 'the warning');
    expect(line).toContain('WARN');
    expect(line).toContain('restart');
    expect(line).toContain(String(port));
    // Still on the old port; nothing listens on the new one.
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect(await fetch(`http://127.0.0.1:${other}/api/health`).then(() => 'open', () => 'closed')).toBe('closed');
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  test('no warning when a reload leaves them as they are', async () => {
    const dataDir = newRoot('port-same');
    const configFile = join(dataDir, 'switchyard.yaml');
    writeFileSync(configFile, mocks('alpha'));
    const p = spawnCli(['--no-open', '--data-dir', dataDir, '--port', '0'], cleanEnv());
    procs.push(p);
    const m = await p.waitForOutput(/Health:\s+(\S+)\/api\/health/, 10_000);
    writeFileSync(configFile, mocks('alpha', 'beta'));
    await waitUntil(async () => (await providerNames(m[1]!)).includes('beta'), 5000, 'the reload');
    await Bun.sleep(100);
    expect(p.stdout() + p.stderr()).not.toContain('restart');
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
