/**
 * Provider keys never reach logs or error bodies. The CLI runs as a subprocess with canary
 * provider keys (one literal in the YAML, one from `${ENV}`), debug logging and body capture
 * on; upstream 401/400/500 answers that echo the key, connect errors, SSRF refusals, a broken
 * stream and a rejected config reload are triggered; then every response body, /api/health,
 * the captured console output and every file of the data dir (except the config that holds
 * the literal key) are scanned for the canaries.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKeysRepo } from '../../core/db/keys-repo.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { chatBody, cleanEnv, freePort, makeTempDir, postChat, readAllFiles, readText, removeTempDir, spawnCli, waitUntil, type CliProcess } from './foundation-kit.ts';

const rand = () => Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('hex');
const CANARY = `sk-canary-${rand()}`;
// Shaped like a Groq key: no credential pattern matches it, only the registered-secret redaction.
const CANARY_ENV = `gsk_canaryenv${rand()}`;
const CANARIES = [CANARY, CANARY_ENV, CANARY.slice(0, 24), CANARY_ENV.slice(0, 28)];

let up: MockOpenAI;
let cli: CliProcess;
let dataDir: string;
let configFile: string;
let url: string;
let key: string;
const bodies: Array<{ what: string; text: string }> = [];

function configText(extra = ''): string {
  const dead = freePort(); // nothing listens there: connection refused
  return `
logging: { level: debug, bodies: true }
plugins:
  - usage-log: { successLevel: debug }
providers:
  lit:  { type: openai, base_url: ${up.url}, keys: [${CANARY}], allow_private_network: true }
  env:  { type: openai, base_url: ${up.url}, keys: ["\${CANARY_ENV_KEY}"], allow_private_network: true }
  dead: { type: openai, base_url: "http://127.0.0.1:${dead}/v1", keys: [${CANARY}], allow_private_network: true, timeouts: { connect_ms: 500 } }
  meta: { type: openai, base_url: "http://169.254.169.254/v1", keys: [${CANARY}], allow_private_network: true }
  priv: { type: openai, base_url: ${up.url}, keys: ["\${CANARY_ENV_KEY}"] }
${extra}`;
}

/** Sends a request and keeps its whole response body for the final scan. */
async function send(what: string, model: string, opts: { stream?: boolean; auth?: string } = {}): Promise<{ status: number; text: string }> {
  const res = await postChat(url, opts.auth ?? key, chatBody(model, `canary test ${what}`, opts.stream ? { stream: true } : {}));
  const text = await readText(res);
  bodies.push({ what, text: `${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}` });
  return { status: res.status, text };
}

beforeAll(async () => {
  up = await startMockOpenAI();
  dataDir = makeTempDir('secrets');
  configFile = join(dataDir, 'switchyard.yaml');
  writeFileSync(configFile, configText());
  const db = openDatabase(dataDir);
  key = createKeysRepo(db).createKey({ name: 'canary-test' }).secret;
  db.close();
  const port = freePort();
  cli = spawnCli(['--data-dir', dataDir, '--port', String(port), '--no-open'], cleanEnv({ CANARY_ENV_KEY: CANARY_ENV }));
  url = `http://127.0.0.1:${port}`;
  await cli.waitForOutput(/is running/);
});

afterAll(async () => {
  if (cli.proc.exitCode === null) cli.proc.kill('SIGKILL');
  await up.stop();
  removeTempDir(dataDir);
});

describe('canary provider keys', () => {
  test('the canaries are really used upstream', async () => {
    expect((await send('ok-lit', 'lit/gpt-4o')).status).toBe(200);
    expect((await send('ok-env', 'env/gpt-4o', { stream: true })).status).toBe(200);
    const auths = up.requests.map((r) => r.headers.authorization);
    expect(auths).toContain(`Bearer ${CANARY}`);
    expect(auths).toContain(`Bearer ${CANARY_ENV}`);
  });

  test('upstream errors that echo the key reach the client without it', async () => {
    const echo = (status: number, k: string) => ({
      status,
      body: { error: { message: `Incorrect API key provided: ${k}. Header was "Authorization: Bearer ${k}".`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    up.script([echo(401, CANARY)]);
    // The gateway's own key was refused upstream: the client (whose key was fine) gets a 502.
    const r401 = await send('401-echo', 'lit/gpt-4o');
    expect(r401.status).toBe(502);
    up.script([echo(400, CANARY_ENV)]);
    expect((await send('400-echo-env', 'env/gpt-4o')).status).toBe(400);
    up.script([{ status: 500, body: `internal error for key ${CANARY}` }]);
    expect((await send('500-text', 'lit/gpt-4o')).status).toBe(502);
    up.script([echo(401, CANARY)]);
    expect((await send('401-stream', 'lit/gpt-4o', { stream: true })).status).toBe(502);
    up.script([{ dropAfterChunks: 2 }]);
    expect((await send('midstream-drop', 'lit/gpt-4o', { stream: true })).status).toBe(200);
  });

  test('connect errors and SSRF refusals do not carry the key', async () => {
    expect((await send('connect-refused', 'dead/gpt-4o')).status).toBe(502);
    expect((await send('metadata', 'meta/gpt-4o')).status).toBe(502);
    expect((await send('private', 'priv/gpt-4o', { stream: true })).status).toBe(502);
    expect((await send('bad-client-key', 'lit/gpt-4o', { auth: CANARY })).status).toBe(401);
    expect((await send('unknown-model', 'nope/gpt-4o')).status).toBe(404);
  });

  test('a rejected reload whose error quotes an env value shows it masked', async () => {
    writeFileSync(configFile, configText('timeouts: { connect_ms: "${CANARY_ENV_KEY}" }\n'));
    const h = await waitUntil(async () => {
      const text = await (await fetch(`${url}/api/health`)).text();
      return JSON.parse(text).config.lastReloadError ? text : undefined;
    }, 3000, 'the rejected reload in health');
    bodies.push({ what: 'health-rejected', text: h });
    expect(h).toContain('connect_ms');
    writeFileSync(configFile, configText());
    const fixed = await waitUntil(async () => {
      const text = await (await fetch(`${url}/api/health`)).text();
      return JSON.parse(text).config.lastReloadError === null ? text : undefined;
    }, 3000, 'the error to clear');
    bodies.push({ what: 'health-ok', text: fixed });
    bodies.push({ what: 'models', text: await readText(await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })) });
  });

  test('after shutdown, no canary in responses, console output, logs or the database', async () => {
    cli.proc.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const console = cli.stdout() + cli.stderr();
    const files = readAllFiles(dataDir).filter((f) => f.file !== configFile);
    const log = files.filter((f) => f.file.includes(`${join('logs', 'switchyard.log')}`));
    expect(log.length).toBeGreaterThan(0);
    const logText = log.map((f) => f.bytes.toString('utf8')).join('');
    // The scan covers real traffic: debug lines, the upstream failures, the rejected reload.
    expect(logText).toContain('"level":"debug"');
    expect(logText).toContain('GW_UPSTREAM_AUTH');
    expect(logText).toContain('config rejected');
    expect(console).toContain('config rejected');
    const db = new Database(join(dataDir, 'switchyard.db'), { readonly: true });
    const rows = (db.query('SELECT COUNT(*) AS n FROM usage').get() as { n: number }).n;
    db.close();
    expect(rows).toBeGreaterThanOrEqual(10);

    const leaks: string[] = [];
    for (const c of CANARIES) {
      for (const b of bodies) if (b.text.includes(c)) leaks.push(`response ${b.what}`);
      if (console.includes(c)) leaks.push('console');
      for (const f of files) if (f.bytes.includes(c)) leaks.push(f.file);
    }
    expect([...new Set(leaks)]).toEqual([]);
  });
});
