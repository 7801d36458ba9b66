/**
 * `credentials: adc` through a gateway started with its own environment (`GatewayOptions.env`,
 * which reaches the plugin as `HostServices.env`): the ADC file named by
 * GOOGLE_APPLICATION_CREDENTIALS (user credentials or a service-account key), gcloud's file in
 * $CLOUDSDK_CONFIG or under $HOME, and the error when there is none (no metadata server).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizedUserFile, createServiceAccount, createTestUser, startMockVertex, type MockVertex, type TestServiceAccount } from '../helpers/mock-vertex.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';
import { GEMINI, LOCATION, PROJECT } from './vertex-kit.ts';

const WELL_KNOWN = 'application_default_credentials.json';
const user = createTestUser();
const dir = mkdtempSync(join(tmpdir(), 'vertex-adc-env-'));
const emptyHome = join(dir, 'empty-home');
let account: TestServiceAccount;
let mock: MockVertex;

beforeAll(async () => {
  account = await createServiceAccount(PROJECT);
  mock = await startMockVertex({ project: PROJECT, location: LOCATION, clientEmail: account.clientEmail, publicKey: account.publicKey, user });
  mkdirSync(emptyHome);
});
afterAll(async () => {
  await mock?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A gateway with `credentials: adc` and no project (the credentials name it) under `env`; one chat call. */
async function callWith(env: Record<string, string>): Promise<{ status: number; text: string; authorization?: string }> {
  const t = await startTestGateway(`providers:
  gcp:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    location: ${LOCATION}
    credentials: adc
    models: [${GEMINI}]
`, { env });
  try {
    mock.reset();
    if (env.ok) {
      const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
      const r = await openai.chat.completions.create({ model: `gcp/${GEMINI}`, messages: [{ role: 'user', content: 'adc' }] });
      return { status: 200, text: r.choices[0]!.message.content ?? '', authorization: mock.requests[0]?.headers.authorization };
    }
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model: `gcp/${GEMINI}`, messages: [{ role: 'user', content: 'adc' }] } });
    return { status: res.status, text: await res.text() };
  } finally {
    await t.stop();
  }
}

const userJson = (quota = PROJECT) => JSON.stringify(authorizedUserFile(user, { tokenUri: mock.tokenUri, quotaProjectId: quota }));

test('GOOGLE_APPLICATION_CREDENTIALS naming gcloud user credentials: the refresh-token grant', async () => {
  const path = join(dir, 'named-user.json');
  writeFileSync(path, userJson());
  const refreshes = mock.refreshes.length;
  const r = await callWith({ ok: '1', GOOGLE_APPLICATION_CREDENTIALS: path, HOME: emptyHome });
  expect(r).toEqual({ status: 200, text: 'adc', authorization: `Bearer ${mock.issued().at(-1)}` });
  expect(mock.refreshes.length - refreshes).toBe(1);
});

test('GOOGLE_APPLICATION_CREDENTIALS naming a service-account key: the JWT grant, its project_id the project', async () => {
  const path = join(dir, 'named-sa.json');
  writeFileSync(path, JSON.stringify(account.file(mock.tokenUri)));
  const exchanges = mock.exchanges.length;
  expect((await callWith({ ok: '1', GOOGLE_APPLICATION_CREDENTIALS: path, HOME: emptyHome })).text).toBe('adc');
  expect(mock.exchanges.length - exchanges).toBe(1);
});

test('gcloud\'s file in $CLOUDSDK_CONFIG, else in $HOME/.config/gcloud', async () => {
  const sdk = join(dir, 'sdk');
  const home = join(dir, 'home');
  mkdirSync(sdk);
  mkdirSync(join(home, '.config', 'gcloud'), { recursive: true });
  writeFileSync(join(sdk, WELL_KNOWN), userJson());
  writeFileSync(join(home, '.config', 'gcloud', WELL_KNOWN), userJson());
  const refreshes = mock.refreshes.length;
  expect((await callWith({ ok: '1', CLOUDSDK_CONFIG: sdk, HOME: emptyHome })).text).toBe('adc');
  expect((await callWith({ ok: '1', HOME: home })).text).toBe('adc');
  expect(mock.refreshes.length - refreshes).toBe(2);
});

test('no ADC file: 502 saying where the gateway looked and that the metadata server is not used', async () => {
  const r = await callWith({ HOME: emptyHome });
  expect(r.status).toBe(502);
  const { error } = JSON.parse(r.text) as { error: { message: string } };
  expect(error.message).toContain(`GOOGLE_APPLICATION_CREDENTIALS is not set and ${join(emptyHome, '.config', 'gcloud', WELL_KNOWN)} does not exist.`);
  expect(error.message).toContain('gcloud auth application-default login');
  expect(error.message).toContain('metadata server of a Google Cloud VM is not supported');
});
