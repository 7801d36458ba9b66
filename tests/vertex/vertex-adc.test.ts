/**
 * gcloud user credentials (`authorized_user`, what `gcloud auth application-default login`
 * writes) named by `credentials:`, against the mock Vertex AI whose token endpoint checks the
 * refresh-token grant field by field: the quota project goes as `x-goog-user-project` and is the
 * default project, concurrent calls share one exchange, a token is renewed before it expires and
 * after a 401, a revoked login says to log in again, and no client secret, refresh token or
 * access token reaches the logs, the data dir or a client.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizedUserFile, createServiceAccount, createTestUser, startMockVertex, type MockVertex } from '../helpers/mock-vertex.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { filesContaining } from '../oauth/oauth-kit.ts';
import { CLAUDE, GEMINI, LOCATION, PROJECT } from './vertex-kit.ts';

const BILLING = 'billing-project';
const user = createTestUser();
const dir = mkdtempSync(join(tmpdir(), 'vertex-adc-'));
let offset = 0;
const clock = { now: () => Date.now() + offset };
let mock: MockVertex;
let t: TestGateway;
let openai: OpenAI;
const bodies: string[] = [];

/** A user credentials file in the temp dir. */
function userFile(name: string, o: { quotaProjectId?: string; clientId?: string; clientSecret?: string; refreshToken?: string } = {}): string {
  const path = join(dir, name);
  const { clientId = user.clientId, clientSecret = user.clientSecret, refreshToken = user.refreshToken, quotaProjectId } = o;
  writeFileSync(path, JSON.stringify(authorizedUserFile({ clientId, clientSecret, refreshToken }, { tokenUri: mock.tokenUri, ...(quotaProjectId ? { quotaProjectId } : {}) }), null, 2));
  return path;
}

const entry = (name: string, credentials: string, project?: string) => `  ${name}:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    location: ${LOCATION}
${project ? `    project: ${project}\n` : ''}    credentials: ${credentials}
    models: [${GEMINI}, "${CLAUDE}"]
`;

async function chat(model: string, content: string): Promise<{ status: number; text: string }> {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, messages: [{ role: 'user', content }] } });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text };
}
const ask = async (model: string, content: string) => (await openai.chat.completions.create({ model, messages: [{ role: 'user', content }] })).choices[0]!.message.content;

beforeAll(async () => {
  const account = await createServiceAccount(PROJECT);
  mock = await startMockVertex({ project: PROJECT, location: LOCATION, clientEmail: account.clientEmail, publicKey: account.publicKey, now: clock.now, user, quotaProjects: [PROJECT, BILLING] });
  t = await startTestGateway(`logging: { level: debug, bodies: true }
providers:
${entry('me', userFile('adc.json', { quotaProjectId: PROJECT }))}${entry('billed', userFile('billed.json', { quotaProjectId: BILLING }), PROJECT)}${entry('noquota', userFile('noquota.json'), PROJECT)}${entry('badsecret', userFile('bad.json', { quotaProjectId: PROJECT, clientSecret: 'canary-cs-not-the-right-one' }))}${entry('stale', userFile('stale.json', { quotaProjectId: PROJECT, refreshToken: '1//canary-rt-of-an-older-login' }))}${entry('otherclient', userFile('other.json', { quotaProjectId: PROJECT, clientId: '32555940559.apps.googleusercontent.com' }))}`, { now: clock.now });
  openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the quota project', () => {
  test('concurrent calls share one refresh-token exchange; quota_project_id is the project and goes as x-goog-user-project', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(`me/${i % 2 ? CLAUDE : GEMINI}`, `burst ${i}`)));
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => `burst ${i}`));
    expect(mock.refreshes).toEqual([{ clientId: user.clientId }]);
    expect(mock.exchanges).toHaveLength(0);
    expect(new Set(mock.requests.map((r) => r.path.split('/publishers/')[0]))).toEqual(new Set([`/v1/projects/${PROJECT}/locations/${LOCATION}`]));
    expect(new Set(mock.requests.map((r) => `${r.headers['x-goog-user-project']} ${r.headers.authorization}`))).toEqual(new Set([`${PROJECT} Bearer ${mock.issued()[0]}`]));
  });

  test('an entry\'s project: names the resource; the quota project still bills the calls', async () => {
    mock.reset();
    expect(await ask(`billed/${CLAUDE}`, 'billed')).toBe('billed');
    expect(mock.requests[0]!.path).toStartWith(`/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/`);
    expect(mock.requests[0]!.headers['x-goog-user-project']).toBe(BILLING);
  });

  test('user credentials without a quota project: no header, and Vertex\'s refusal reaches the client as a 502', async () => {
    mock.reset();
    const { status, text } = await chat(`noquota/${GEMINI}`, 'no quota');
    expect(status).toBe(502);
    expect(text).toContain('requires a quota project');
    expect(mock.requests[0]!.headers['x-goog-user-project']).toBeUndefined();
  });
});

describe('renewal', () => {
  test('a token about to expire is renewed with the refresh token (one exchange for concurrent calls)', async () => {
    const before = mock.refreshes.length;
    offset += 3301_000;
    mock.reset();
    await Promise.all([ask(`me/${GEMINI}`, 'a'), ask(`me/${CLAUDE}`, 'b'), ask(`me/${GEMINI}`, 'c')]);
    expect(mock.refreshes.length - before).toBe(1);
    expect(new Set(mock.requests.map((r) => r.headers.authorization))).toEqual(new Set([`Bearer ${mock.issued().at(-1)}`]));
  });

  test('a 401 (token revoked upstream) renews the token once and the call is sent again', async () => {
    const before = mock.refreshes.length;
    mock.revokeTokens();
    mock.reset();
    expect(await Promise.all([ask(`me/${CLAUDE}`, 'after revoke'), ask(`me/${GEMINI}`, 'after revoke')])).toEqual(['after revoke', 'after revoke']);
    expect(mock.refreshes.length - before).toBe(1);
    expect(mock.requests.map((r) => r.headers.authorization === `Bearer ${mock.issued().at(-1)}`).sort()).toEqual([false, false, true, true]);
  });
});

describe('refusals and secrets', () => {
  test('a wrong client, client secret or refresh token: 502 with Google\'s reason and the way out, no model call', async () => {
    mock.reset();
    const secret = await chat(`badsecret/${GEMINI}`, 'x');
    expect(secret.status).toBe(502);
    expect(secret.text).toContain('Google refused the user credentials (HTTP 401, invalid_client: Unauthorized).');
    expect(secret.text).toContain('run `gcloud auth application-default login` again');
    const stale = await chat(`stale/${GEMINI}`, 'x');
    expect(stale.status).toBe(502);
    expect(stale.text).toContain('Google refused the user credentials (HTTP 400, invalid_grant: Bad Request).');
    expect((await chat(`otherclient/${GEMINI}`, 'x')).text).toContain('Google refused the user credentials (HTTP 401, invalid_client: The OAuth client was not found.).');
    expect(mock.requests).toHaveLength(0);
  });

  test('no client secret, refresh token or access token in the data dir, the log or any client answer', async () => {
    mock.script([{ echoToken: true }]);
    const echoed = await chat(`me/${GEMINI}`, 'echo');
    expect(echoed.status).toBe(400);
    expect(echoed.text).toMatch(/Malformed request for credential (\*\*\*|\[redacted\])\./);
    // A token the gateway used (one the mock issued may never have reached it, under load).
    const used = mock.requests.at(-1)!.headers.authorization!.replace(/^Bearer /, '');
    expect(used).toStartWith('canary-vtx-');
    t.gw.log.warn(`careless ${user.refreshToken} ${user.clientSecret} ${used}`);
    t.gw.log.flush();
    t.gw.usage.flush();
    const needles = [user.refreshToken, user.clientSecret, 'canary-vtx-'];
    expect(filesContaining(t.dataDir, needles)).toEqual([]);
    expect(bodies.filter((b) => needles.some((n) => b.includes(n)))).toEqual([]);
    expect(readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8')).toContain('careless *** *** ***');
  });

  test('a revoked login (invalid_grant): 502 saying to run gcloud auth application-default login, without a secret', async () => {
    mock.revokeRefreshToken();
    mock.revokeTokens();
    mock.reset();
    const { status, text } = await chat(`me/${CLAUDE}`, 'after logout');
    expect(status).toBe(502);
    const { error } = JSON.parse(text) as { error: { message: string } };
    expect(error.message).toBe('Google refused the user credentials (HTTP 400, invalid_grant: Token has been expired or revoked.). '
      + 'The gcloud login is no longer valid (revoked, expired or replaced): run `gcloud auth application-default login` again.');
    expect(mock.requests).toHaveLength(1); // the revoked token's call; none after the failed refresh
    expect([user.refreshToken, user.clientSecret].some((s) => text.includes(s))).toBe(false);
  });
});
