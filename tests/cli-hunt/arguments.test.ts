/**
 * The CLI's flags, environment variables and exit codes, as a new user meets them: empty
 * variables are unset (never "the working directory"), a port is digits, a host is not empty,
 * a mistyped flag or a stray argument is a one-line usage error (exit 2) instead of being
 * ignored, and commands that only read the data dir do not create one where a typo points.
 */
import { describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli, sandbox, tempRoots, type CliRun } from './cli-hunt-kit.ts';

const newRoot = tempRoots();

/** A usage error: exit 2, a short message on stderr naming `what`, the way to --help, no stack. */
function expectUsageError(r: CliRun, what: string): void {
  expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(what)]);
  expect(r.stderr).toContain('switchyard --help');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
}

describe('environment variables', () => {
  test('an empty SWITCHYARD_DATA_DIR is unset: the data dir is ~/.switchyard, not the working directory', async () => {
    const box = sandbox(newRoot('env-data'));
    const r = await runCli(['keys', 'create'], { cwd: box.cwd, env: cleanEnv({ HOME: box.home, SWITCHYARD_DATA_DIR: '' }) });
    expect(r.code).toBe(0);
    expect(existsSync(join(box.home, '.switchyard', 'switchyard.db'))).toBe(true);
    // The working directory was neither written to nor locked down to 0700.
    expect(readdirSync(box.cwd)).toEqual([]);
    expect(statSync(box.cwd).mode & 0o777).toBe(0o755);
  });

  test('an empty SWITCHYARD_CONFIG is unset: <data-dir>/switchyard.yaml is read', async () => {
    const box = sandbox(newRoot('env-config'));
    const r0 = await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect(r0.code).toBe(0);
    writeFileSync(join(box.dataDir, 'switchyard.yaml'), 'providers:\n  mock: { type: mock }\n');
    const r = await runCli(['check', '--data-dir', box.dataDir], { cwd: box.cwd, env: cleanEnv({ HOME: box.home, SWITCHYARD_CONFIG: '' }) });
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining(`${join(box.dataDir, 'switchyard.yaml')} is valid`)]);
  });

  test('an empty --data-dir or --config is a usage error', async () => {
    const box = sandbox(newRoot('empty-flags'));
    expectUsageError(await runCli(['keys', 'list', '--data-dir', ''], { cwd: box.cwd }), '--data-dir');
    expectUsageError(await runCli(['check', '--config', ''], { cwd: box.cwd }), '--config');
    expect(readdirSync(box.cwd)).toEqual([]);
  });
});

describe('--port and --host', () => {
  // Number() reads all of these as a port (0 = any free port, 0x50 = 80): none is one.
  for (const port of ['', ' ', '0x0', '0e0', '0b0', '+0']) {
    test(`--port ${JSON.stringify(port)} is refused, not read as a number`, async () => {
      const box = sandbox(newRoot('port'));
      const r = await runCli(['--no-open', '--port', port, '--data-dir', box.dataDir], { cwd: box.cwd, timeoutMs: 5000 });
      expectUsageError(r, 'invalid port');
    });
  }

  test('PORT=" " and PORT=0x0 are refused the same way; PORT="" is unset', async () => {
    const box = sandbox(newRoot('port-env'));
    for (const PORT of [' ', '0x0']) {
      const r = await runCli(['--no-open', '--data-dir', box.dataDir], { cwd: box.cwd, env: cleanEnv({ PORT }), timeoutMs: 5000 });
      expectUsageError(r, 'invalid port');
    }
  });

  test('--host "" is refused: an empty host would listen on every interface', async () => {
    const box = sandbox(newRoot('host'));
    const r = await runCli(['--no-open', '--host', '', '--port', '0', '--data-dir', box.dataDir], { cwd: box.cwd, timeoutMs: 5000 });
    expectUsageError(r, '--host');
  });

  test('an address the machine does not have: one line naming host and port, exit 1', async () => {
    const box = sandbox(newRoot('host-bad'));
    const r = await runCli(['--no-open', '--host', '192.0.2.1', '--port', '0', '--data-dir', box.dataDir], { cwd: box.cwd, timeoutMs: 5000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('192.0.2.1');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('usage errors', () => {
  test('an unknown option: exit 2, named, with the way to --help', async () => {
    const box = sandbox(newRoot('unknown'));
    expectUsageError(await runCli(['--prot', '8080'], { cwd: box.cwd }), '--prot');
    expectUsageError(await runCli(['keys', 'create', '--expire', '30d', '--data-dir', box.dataDir], { cwd: box.cwd }), '--expire');
  });

  test('an option without its value: exit 2', async () => {
    const box = sandbox(newRoot('novalue'));
    expectUsageError(await runCli(['keys', 'create', '--data-dir', box.dataDir, '--name'], { cwd: box.cwd }), '--name');
  });

  test('an unknown command: exit 2, without the whole help on stderr', async () => {
    const box = sandbox(newRoot('unknown-cmd'));
    expectUsageError(await runCli(['frobnicate'], { cwd: box.cwd }), 'frobnicate');
  });

  test('switchyard check FILE is refused (it would check the default config): use --config', async () => {
    const box = sandbox(newRoot('check-arg'));
    const file = join(box.cwd, 'other.yaml');
    writeFileSync(file, 'server: { port: nope }\n');
    const r = await runCli(['check', file, '--data-dir', box.dataDir], { cwd: box.cwd });
    expectUsageError(r, '--config');
  });

  test('a stray argument to keys list / keys revoke is refused', async () => {
    const box = sandbox(newRoot('stray-arg'));
    expect((await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd })).code).toBe(0);
    expectUsageError(await runCli(['keys', 'list', 'all', '--data-dir', box.dataDir], { cwd: box.cwd }), '"all"');
    expectUsageError(await runCli(['keys', 'revoke', 'key_a', 'key_b', '--data-dir', box.dataDir], { cwd: box.cwd }), '"key_b"');
  });

  test('a flag of another command is refused, not ignored: keys create --days 30 makes no key', async () => {
    const box = sandbox(newRoot('foreign-flag'));
    expect((await runCli(['keys', 'create', '--data-dir', box.dataDir], { cwd: box.cwd })).code).toBe(0);
    expectUsageError(await runCli(['keys', 'create', '--days', '30', '--data-dir', box.dataDir], { cwd: box.cwd }), '--days');
    expectUsageError(await runCli(['usage', '--name', 'x', '--data-dir', box.dataDir], { cwd: box.cwd }), '--name');
    expectUsageError(await runCli(['check', '--port', '1', '--data-dir', box.dataDir], { cwd: box.cwd }), '--port');
    const list = await runCli(['keys', 'list', '--data-dir', box.dataDir], { cwd: box.cwd });
    expect(list.stdout.trim().split('\n')).toHaveLength(1);
  });

  test('switchyard help prints the help', async () => {
    const box = sandbox(newRoot('help'));
    const r = await runCli(['help'], { cwd: box.cwd });
    expect([r.code, r.stdout]).toEqual([0, expect.stringContaining('Usage:')]);
  });
});

describe('the data dir', () => {
  test('commands that read it do not create it where a typo points: exit 1 naming the folder', async () => {
    const box = sandbox(newRoot('typo'));
    for (const args of [['keys', 'list'], ['keys', 'revoke', 'key_x'], ['usage'], ['secrets', 'reseal'], ['secrets', 'rotate'], ['reset-password']]) {
      const r = await runCli([...args, '--data-dir', box.dataDir], { cwd: box.cwd });
      expect([args.join(' '), r.code, r.stderr]).toEqual([args.join(' '), 1, expect.stringContaining(box.dataDir)]);
      expect([args.join(' '), existsSync(box.dataDir)]).toEqual([args.join(' '), false]);
    }
  });

  test('a data dir that is a file: one line saying so, exit 1', async () => {
    const box = sandbox(newRoot('file'));
    const file = join(box.cwd, 'not-a-folder');
    writeFileSync(file, '');
    const r = await runCli(['keys', 'create', '--data-dir', file], { cwd: box.cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file} is not a folder`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
