import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkConfigFile } from './check-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const PROVIDERS = 'providers:\n  up: { type: openai, base_url: "https://api.example.com/v1", keys: ["${UP_KEY}"] }\n';

describe('switchyard check', () => {
  test('a valid config: providers, aliases, combos and the plugins as they would load', async () => {
    write('drop.ts', 'export default { name: "drop", kind: "observer", apiVersion: 1, setup() {} };\n');
    const file = write('ok.yaml', `${PROVIDERS}aliases: { fast: up/m, "claude-*": fast }\ncombos:\n  team: { models: [up/m] }\nplugins:\n  - retry: { max_retries: 2 }\n  - otel: { endpoint: "http://127.0.0.1:4318", allow_private_network: true }\n  - ./drop.ts\n  - usage-log: false\n`);
    const out = await checkConfigFile(file, { UP_KEY: 'sk-up-123456' });
    expect(out).toEqual({
      ok: true,
      lines: [
        `${file} is valid`,
        '  providers: up',
        '  aliases: 2 (1 glob); combos: team',
        '  plugins: retry, otel, ./drop.ts (drop-in, not run), usage-log (off)',
      ],
    });
  });

  test('config errors are file:line:col; plugin settings are checked against the plugin schema, located at their entry', async () => {
    const env = { UP_KEY: 'sk-up-123456' };
    const yamlErr = await checkConfigFile(write('bad.yaml', `${PROVIDERS}aliases: { fast: up/m\n`), env);
    expect(yamlErr.ok).toBe(false);
    expect(yamlErr.lines[0]).toMatch(/bad\.yaml:\d+:\d+: /);
    const unset = await checkConfigFile(write('env.yaml', PROVIDERS), {});
    expect(unset.lines[0]).toContain('env.yaml:2:');
    expect(unset.lines[0]).toContain('UP_KEY is not set');
    const plugins = await checkConfigFile(write('plugins.yaml', `${PROVIDERS}plugins:\n  - otel: { endpoint: not-a-url }\n  - nosuch: {}\n  - ./missing.ts\n  - retry: { max_retries: -1 }\n  - budget: { daily_usd: 5, dayly_usd: 5 }\n  - cooldown: { base_ms: 10, bse_ms: 1 }\n`), env);
    expect(plugins.ok).toBe(false);
    expect(plugins.lines).toHaveLength(6);
    expect(plugins.lines[4]).toMatch(/plugins\[4\]: plugin budget: unknown setting "dayly_usd" \(known: daily_usd, monthly_usd, /);
    expect(plugins.lines[5]).toMatch(/plugins\[5\]: plugin cooldown: unknown setting "bse_ms" \(known: baseMs, base_ms, /);
    expect(plugins.lines[0]).toMatch(/plugins\[0\]: plugin otel: invalid config at endpoint: /);
    expect(plugins.lines[1]).toContain('plugins[1]: no built-in plugin named "nosuch"');
    expect(plugins.lines[2]).toContain(`plugins[2]: no file ${join(dir, 'missing.ts')}`);
    expect(plugins.lines[3]).toMatch(/plugins\[3\]: plugin retry: invalid config/);
    // Each points at its entry: file:line:col, as an editor links it.
    plugins.lines.forEach((line, i) => expect(line.startsWith(`${join(dir, 'plugins.yaml')}:${4 + i}:5: plugins[${i}]: `)).toBe(true));
  });

  test('a drop-in listed by name passes when <data-dir>/plugins has that file (not run)', async () => {
    mkdirSync(join(dir, 'plugins'), { recursive: true });
    writeFileSync(join(dir, 'plugins', 'stamp.ts'), 'throw new Error("never run by check");');
    const file = write('dropin.yaml', `${PROVIDERS}plugins:\n  - stamp: { header: x-served-by }\n`);
    const out = await checkConfigFile(file, { UP_KEY: 'sk-up-123456' }, join(dir, 'plugins'));
    expect(out.ok).toBe(true);
    expect(out.lines.join('\n')).toContain('stamp (drop-in, not run)');
    const missing = await checkConfigFile(write('nodropin.yaml', `${PROVIDERS}plugins:\n  - stomp\n`), { UP_KEY: 'sk-up-123456' }, join(dir, 'plugins'));
    expect(missing.ok).toBe(false);
  });

  test('a drop-in listed by name passes when <data-dir>/plugins/<name>/plugin.ts exists (not run)', async () => {
    mkdirSync(join(dir, 'plugins', 'fancy'), { recursive: true });
    writeFileSync(join(dir, 'plugins', 'fancy', 'plugin.ts'), 'throw new Error("never run by check");');
    const out = await checkConfigFile(write('folder.yaml', `${PROVIDERS}plugins:\n  - fancy\n`), { UP_KEY: 'sk-up-123456' }, join(dir, 'plugins'));
    expect(out.lines.join('\n')).toContain('fancy (drop-in, not run)');
    expect(out.ok).toBe(true);
  });

  test('the shipped example passes, plugin settings included', async () => {
    const env = Object.fromEntries(['GROQ_API_KEY', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'DEEPSEEK_API_KEY', 'OPENROUTER_API_KEY'].map((k) => [k, `example-${k.toLowerCase()}`]));
    const out = await checkConfigFile(resolve(import.meta.dir, '..', '..', 'config', 'switchyard.example.yaml'), env);
    expect(out.lines.join('\n')).toContain('is valid');
  });

  test('the CLI exits 0 for a valid file and 1 with the error on stderr', async () => {
    const cli = resolve(import.meta.dir, '..', 'cli.ts');
    const ok = Bun.spawnSync([process.execPath, cli, 'check', '--config', write('cli-ok.yaml', PROVIDERS)], { env: { ...process.env, UP_KEY: 'sk-up-123456' } });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.toString()).toContain('is valid');
    const bad = Bun.spawnSync([process.execPath, cli, 'check', '--config', write('cli-bad.yaml', 'server: { port: "x" }\n')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toMatch(/cli-bad\.yaml:1:\d+: server\.port/);
  });
});
