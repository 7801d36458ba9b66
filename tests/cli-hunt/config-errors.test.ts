/**
 * What the config loader says about a file a new user gets wrong: a literal key written where a
 * list belongs never comes back in the error (the error goes to the log and the public
 * /api/health), a typo inside a section is an error located at the key (it was silently
 * ignored), an empty `server.host` is refused (it listened on every interface), and an
 * unquoted `${…}` inside `{ }` gets a hint instead of the YAML parser's words alone.
 */
import { describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type ConfigError } from '../../core/config/load-config.ts';
import { runCli, sandbox, tempRoots } from './cli-hunt-kit.ts';

const newRoot = tempRoots();
const KEY = 'sk-live-0123456789abcdefghij';

function errorOf(yaml: string, env: Record<string, string> = {}): ConfigError {
  const r = parseConfig(yaml, 'switchyard.yaml', env);
  if (r.ok) throw new Error(`expected an error for:\n${yaml}`);
  return r.error;
}

describe('a literal key in the wrong shape is masked', () => {
  const shapes: Array<[string, string]> = [
    ['keys: a string, not a list', `providers:\n  a:\n    type: openai\n    base_url: https://llm.example.com/v1\n    keys: ${KEY}\n`],
    ['accounts: a list of strings', `providers:\n  a:\n    type: openai\n    base_url: https://llm.example.com/v1\n    accounts: [ "${KEY}" ]\n`],
    ['accounts: one account written as a string', `providers:\n  a:\n    type: openai\n    base_url: https://llm.example.com/v1\n    accounts: "${KEY}"\n`],
    ['a header value where a map belongs', `providers:\n  a:\n    type: openai\n    base_url: https://llm.example.com/v1\n    headers: "Bearer ${KEY}"\n`],
  ];
  for (const [name, yaml] of shapes) {
    test(name, () => {
      const e = errorOf(yaml);
      expect(e.line).toBeGreaterThan(0);
      expect(e.message).not.toContain(KEY);
    });
  }

  test('switchyard check prints the error without the key', async () => {
    const box = sandbox(newRoot('leak'));
    const file = join(box.cwd, 'switchyard.yaml');
    writeFileSync(file, shapes[0]![1]);
    const r = await runCli(['check', '--config', file, '--data-dir', box.dataDir], { cwd: box.cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5:`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});

describe('a typo inside a section is an error at the key, listing the keys it takes', () => {
  const typos: Array<[string, string, string, string]> = [
    // [yaml, dotted path, a key the message lists, line]
    ['server:\n  hots: 0.0.0.0\n', 'server.hots', 'host', '2'],
    ['auth:\n  requireKey: false\n', 'auth.requireKey', 'require_key', '2'],
    ['logging:\n  levle: debug\n', 'logging.levle', 'level', '2'],
    ['logging:\n  file:\n    enable: false\n', 'logging.file.enable', 'enabled', '3'],
    ['timeouts:\n  connect: 5000\n', 'timeouts.connect', 'connect_ms', '2'],
    ['request:\n  deadline: 1000\n', 'request.deadline', 'deadline_ms', '2'],
    ['providers:\n  m:\n    type: mock\n    accounts:\n      - api_key: x\n', 'providers.m.accounts[0].api_key', 'key', '5'],
    ['providers:\n  m:\n    type: mock\n    auth: { headr: x-api-key }\n', 'providers.m.auth.headr', 'header', '4'],
    ['providers:\n  m: { type: mock }\ncombos:\n  c:\n    model: [m/echo]\n    models: [m/echo]\n', 'combos.c.model', 'models', '5'],
    ['pricing:\n  gpt-4o:\n    inptu: 1\n', 'pricing.gpt-4o.inptu', 'input', '3'],
  ];
  for (const [yaml, path, known, line] of typos) {
    test(path, () => {
      const e = errorOf(yaml);
      expect(e.path).toBe(path);
      expect(String(e.line)).toBe(line);
      expect(e.message).toContain(`unknown key "${path.split('.').at(-1)!.replace(/^.*\]\./, '')}"`);
      expect(e.message).toContain(known);
    });
  }

  test('provider entries still take options of their own (adapters read them)', () => {
    const r = parseConfig('providers:\n  m: { type: mock, my_adapter_option: 1 }\n', 'switchyard.yaml', {});
    expect(r.ok).toBe(true);
  });
});

describe('server.host', () => {
  test('an empty host is refused (Bun listens on every interface for "")', () => {
    const e = errorOf('server:\n  host: ""\n');
    expect([e.path, e.line]).toEqual(['server.host', 2]);
  });

  test('also when it comes from an unset variable with an empty default', () => {
    const e = errorOf('server:\n  host: ${BIND_HOST:-}\n');
    expect(e.path).toBe('server.host');
  });
});

describe('${…} inside { } or [ ]', () => {
  test('an unquoted reference in a flow map gets a hint to quote it or use block style', () => {
    const e = errorOf('server: { port: ${PORT} }\n', { PORT: '8080' });
    expect(e.line).toBe(1);
    expect(e.message).toContain('quote');
  });
});
