import { afterAll, describe, expect, test } from 'bun:test';
import { cleanEnv, freePort, makeTempDir, removeTempDir, runCli, spawnCli, type CliProcess } from '../foundation/foundation-kit.ts';

const root = makeTempDir('admin-cli');
let proc: CliProcess | undefined;

afterAll(async () => {
  if (proc && proc.proc.exitCode === null) {
    proc.proc.kill('SIGTERM');
    await proc.exited;
  }
  removeTempDir(root);
});

const post = (url: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(url).origin, ...headers }, body: JSON.stringify(json) });

describe('setup link on the console', () => {
  test('first start prints a one-time link; reset-password prints a new one and ends sessions', async () => {
    const port = freePort();
    proc = spawnCli(['--no-open', '--data-dir', root, '--port', String(port)], cleanEnv());
    const m = await proc.waitForOutput(/(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([A-Za-z0-9_-]{43})/, 15_000);
    const [, base, token] = m;
    expect(base).toBe(`http://127.0.0.1:${port}`);
    const setup = await post(`${base}/api/auth/setup`, { token, password: 'a long enough password' });
    expect(setup.status).toBe(200);
    const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/api/keys`, { headers: { cookie } })).status).toBe(200);

    // PORT in the environment names the port as it does for the server.
    const reset = await runCli(['reset-password', '--data-dir', root], { ...cleanEnv(), PORT: String(port) });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`http://127.0.0.1:${port}/setup?token=`);
    const fresh = reset.stdout.match(/\/setup\?token=([A-Za-z0-9_-]{43})/)![1]!;
    expect(fresh).not.toBe(token);
    expect((await fetch(`${base}/api/keys`, { headers: { cookie } })).status).toBe(401);
    const state = await (await fetch(`${base}/api/auth/state`)).json();
    expect(state.needsSetup).toBe(true);
    expect((await post(`${base}/api/auth/setup`, { token, password: 'another long password' })).status).toBe(400);
    expect((await post(`${base}/api/auth/setup`, { token: fresh, password: 'another long password' })).status).toBe(200);
  }, 30_000);
});
