/**
 * The first start as a new user sees it: provider keys found in the environment are written as
 * `${ENV}` references and their values are nowhere (files, output); the banner says which
 * config file is serving and which providers it has, so `--config` pointing at a file without
 * providers (or the wrong file) is visible at once instead of every model answering 404.
 */
import { describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAllFiles, spawnCli, type CliProcess } from '../foundation/foundation-kit.ts';
import { cleanEnv, tempRoots } from './cli-hunt-kit.ts';

const newRoot = tempRoots();
const GROQ = 'gsk_canary_first_run_0123456789';

async function startAndStop(args: string[], env: Record<string, string>): Promise<CliProcess> {
  const p = spawnCli(['--no-open', '--port', '0', ...args], env);
  try {
    await p.waitForOutput(/Data dir:.*\n/, 10_000);
  } finally {
    p.proc.kill('SIGTERM');
  }
  expect(await p.exited).toBe(0);
  return p;
}

describe('first run', () => {
  test('an environment key becomes a ${ENV} reference; its value is in no file and no output', async () => {
    const dataDir = join(newRoot('env-key'), 'data');
    const p = await startAndStop(['--data-dir', dataDir], cleanEnv({ GROQ_API_KEY: GROQ }));
    expect(p.stdout()).toContain('providers detected from the environment: groq');
    expect(readFileSync(join(dataDir, 'switchyard.yaml'), 'utf8')).toContain('keys: ["${GROQ_API_KEY}"]');
    for (const { file, bytes } of readAllFiles(dataDir)) expect([file, bytes.includes(GROQ)]).toEqual([file, false]);
    expect(p.stdout() + p.stderr()).not.toContain(GROQ);
  });

  test('the banner names the config file and its providers', async () => {
    const dataDir = join(newRoot('banner'), 'data');
    const p = await startAndStop(['--data-dir', dataDir], cleanEnv({ GROQ_API_KEY: GROQ }));
    expect(p.stdout()).toMatch(new RegExp(`\\n  Config:\\s+${join(dataDir, 'switchyard.yaml')} \\(providers: groq\\)\\n`));
  });

  test('--config pointing at a file without providers: the banner says there are none yet', async () => {
    const root = newRoot('no-providers');
    const configFile = join(root, 'empty.yaml');
    writeFileSync(configFile, 'server: { shutdown_grace_ms: 100 }\n');
    const p = await startAndStop(['--data-dir', join(root, 'data'), '--config', configFile], cleanEnv());
    expect(p.stdout()).toContain(`  Config:     ${configFile} (no providers yet: add one under providers:, the file reloads live)`);
    // A second start of the same data dir prints no new key and does not rewrite the file.
    const before = readFileSync(configFile, 'utf8');
    const again = await startAndStop(['--data-dir', join(root, 'data'), '--config', configFile], cleanEnv());
    expect(again.stdout()).not.toContain('store it now');
    expect(again.stdout()).not.toContain('First run');
    expect(readFileSync(configFile, 'utf8')).toBe(before);
  });
});
