import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findAdcFile } from './find-adc-file.ts';
import { loadGoogleCredentials } from './load-google-credentials.ts';

const dir = mkdtempSync(join(tmpdir(), 'vertex-adc-'));
const home = join(dir, 'home');
const sdk = join(dir, 'sdk-config');
const named = join(dir, 'named.json');
const WELL_KNOWN = 'application_default_credentials.json';
mkdirSync(join(home, '.config', 'gcloud'), { recursive: true });
mkdirSync(sdk);
const user = (refresh: string) => JSON.stringify({ type: 'authorized_user', client_id: 'c', client_secret: 's', refresh_token: refresh });
writeFileSync(join(home, '.config', 'gcloud', WELL_KNOWN), user('from-home'));
writeFileSync(join(sdk, WELL_KNOWN), user('from-cloudsdk-config'));
writeFileSync(named, user('from-env-var'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const refreshOf = async (env: Record<string, string>) => {
  const c = await loadGoogleCredentials(' adc ', { env, platform: 'linux' });
  return c.type === 'authorized_user' ? c.refreshToken : c.type;
};

test('GOOGLE_APPLICATION_CREDENTIALS first, then $CLOUDSDK_CONFIG, then ~/.config/gcloud', async () => {
  expect(await refreshOf({ GOOGLE_APPLICATION_CREDENTIALS: named, CLOUDSDK_CONFIG: sdk, HOME: home })).toBe('from-env-var');
  expect(await refreshOf({ GOOGLE_APPLICATION_CREDENTIALS: ' ', CLOUDSDK_CONFIG: sdk, HOME: home })).toBe('from-cloudsdk-config');
  expect(await refreshOf({ HOME: home })).toBe('from-home');
});

test('a GOOGLE_APPLICATION_CREDENTIALS that cannot be read fails (no fall-through), naming the variable', async () => {
  const missing = join(dir, 'gone.json');
  await expect(refreshOf({ GOOGLE_APPLICATION_CREDENTIALS: missing, HOME: home })).rejects.toThrow(`The Vertex AI credentials file "${missing}" (GOOGLE_APPLICATION_CREDENTIALS) cannot be read.`);
});

test('$CLOUDSDK_CONFIG replaces the default folder: no file there is no ADC; the message says where it looked and why no metadata server', async () => {
  const empty = join(dir, 'empty-config');
  mkdirSync(empty);
  const err = await findAdcFile({ env: { CLOUDSDK_CONFIG: empty, HOME: home }, platform: 'linux' }).then(() => undefined, (e: unknown) => e as Error & { code: string; status: number });
  expect(err).toMatchObject({ code: 'GW_UPSTREAM_AUTH', status: 502 });
  expect(err!.message).toBe(`No Application Default Credentials found (credentials: adc): GOOGLE_APPLICATION_CREDENTIALS is not set and ${join(empty, WELL_KNOWN)} does not exist. `
    + 'Run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS (or credentials:) to a key file. '
    + "The metadata server of a Google Cloud VM is not supported: the gateway's outbound SSRF guard always blocks 169.254.169.254.");
});

test('Windows: %APPDATA%\\gcloud; without HOME or APPDATA nothing is guessed', async () => {
  await expect(findAdcFile({ env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, platform: 'win32' }))
    .rejects.toThrow('and C:\\Users\\me\\AppData\\Roaming\\gcloud\\application_default_credentials.json does not exist.');
  await expect(findAdcFile({ env: { CLOUDSDK_CONFIG: 'D:\\gcloud' }, platform: 'win32' })).rejects.toThrow('and D:\\gcloud\\application_default_credentials.json does not exist.');
  await expect(findAdcFile({ env: {}, platform: 'linux' })).rejects.toThrow('GOOGLE_APPLICATION_CREDENTIALS is not set. Run');
});
