/**
 * Bedrock credentials without keys in the YAML, end to end through the real gateway to the fake
 * Bedrock runtime (tests/helpers/mock-bedrock.ts verifies every SigV4 signature, its region
 * scope and its session token on its own): `profile:` read from the AWS shared credentials and
 * config files (found through AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE), the config file's
 * region, keys rotated into the file while the gateway runs, `credentials: env`, `keys:` winning
 * over a profile, profiles the gateway cannot use (an incomplete SSO profile, a role sourced from
 * instance metadata, a credential_process that does not exist; the working kinds are in
 * bedrock-sso-roles.test.ts), a missing profile, and canary secrets that never reach the data dir
 * or a client.
 *
 * The gateway gets its own environment (`startGateway`'s `env`, which the plugin reads as
 * `HostServices.env`): the shared files are found through it, and `credentials: env` reads it at
 * each request, so changing it here changes what the next request signs with.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockBedrock, type MockBedrock } from '../helpers/mock-bedrock.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { filesContaining } from '../oauth/oauth-kit.ts';
import { DIALECTS } from '../oauth/sdk-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const API_KEY = 'ABSKprofiles-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';
const DEFAULT = { accessKeyId: 'AKIADEFAULTPROFILE01', secretAccessKey: 'canary-default-secret/K7MDENGbPxRfiCY' };
const DEV = { accessKeyId: 'ASIADEVPROFILE000001', secretAccessKey: 'canary-dev-secret/wJalrXUtnFEMIK7MDENG', sessionToken: 'canary-dev-session-IQoJb3JpZ2luX2VjEDEV' };
const CFG = { accessKeyId: 'AKIACONFIGPROFILE001', secretAccessKey: 'canary-cfg-secret/bPxRfiCYEXAMPLEKEY00' };
const ROT = [1, 2, 3].map((n) => ({ accessKeyId: `ASIAROTATED00000000${n}`, secretAccessKey: `canary-rot-secret-${n}/aaaaaaaaaaaaaaaa`, sessionToken: `canary-rot-session-${n}-IQoJb3JpZ2luX2Vj` }));
/** Its file holds an expired session token: the mock knows the key only with the current one. */
const STALE = { accessKeyId: 'ASIASTALEPROFILE0001', secretAccessKey: 'canary-stale-secret/EXAMPLEKEYEXAMPLE', sessionToken: 'canary-stale-current-token-IQoJb3Jp' };
const ENV = { accessKeyId: 'ASIAENVIRONMENT00001', secretAccessKey: 'canary-env-secret/EXAMPLEKEYEXAMPLEKEY', sessionToken: 'canary-env-session-IQoJb3JpZ2luX2VjENV' };

const dir = mkdtempSync(join(tmpdir(), 'bedrock-profiles-'));
const credentialsFile = join(dir, 'aws-credentials');
const configFile = join(dir, 'aws-config');
const rotProfile = (k: (typeof ROT)[number]) => `[rot]\naws_access_key_id = ${k.accessKeyId}\naws_secret_access_key = ${k.secretAccessKey}\naws_session_token = ${k.sessionToken}\n`;
const credentialsText = (rot: (typeof ROT)[number]) => `# written by the test
[default]
aws_access_key_id = ${DEFAULT.accessKeyId}
aws_secret_access_key = ${DEFAULT.secretAccessKey}

[dev]   ; temporary keys
aws_access_key_id=${DEV.accessKeyId}
aws_secret_access_key=${DEV.secretAccessKey}
aws_session_token=${DEV.sessionToken}

[stale]
aws_access_key_id = ${STALE.accessKeyId}
aws_secret_access_key = ${STALE.secretAccessKey}
aws_session_token = canary-stale-expired-token-IQoJb3Jp

${rotProfile(rot)}`;
writeFileSync(credentialsFile, credentialsText(ROT[0]!));
writeFileSync(configFile, `[default]
region = us-east-1

[profile cfg]
aws_access_key_id = ${CFG.accessKeyId}
aws_secret_access_key = ${CFG.secretAccessKey}
region = eu-west-3

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = BedrockUser
region = us-east-1

[profile role]
role_arn = arn:aws:iam::111122223333:role/bedrock
credential_source = Ec2InstanceMetadata

[profile proc]
credential_process = /opt/bin/aws-creds --profile x
`);

/** The gateway's environment: the process's, with the AWS variables this file controls. */
const gatewayEnv: Record<string, string | undefined> = {
  ...process.env,
  AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: configFile,
  AWS_ACCESS_KEY_ID: ENV.accessKeyId, AWS_SECRET_ACCESS_KEY: ENV.secretAccessKey, AWS_SESSION_TOKEN: ENV.sessionToken,
  AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_PROFILE: undefined,
};
const setEnv = (vars: Record<string, string | undefined>) => Object.assign(gatewayEnv, vars);

let us: MockBedrock;
let eu: MockBedrock;
let t: TestGateway;
/** Every client answer, scanned for canaries at the end. */
const bodies: string[] = [];

const ask = async (model: string, content = 'hello profile', stream = false) => {
  const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: { model, stream, messages: [{ role: 'user', content }] } });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, text };
};
const answer = (text: string) => JSON.parse(text).choices[0].message.content as string;

beforeAll(async () => {
  us = await startMockBedrock({ apiKeys: [API_KEY], credentials: [DEFAULT, DEV, CFG, ENV, STALE, ROT[0]!], region: 'us-east-1' });
  eu = await startMockBedrock({ credentials: [CFG], region: 'eu-west-3' });
  const entry = (mock: MockBedrock, extra: string) => `{ type: bedrock, base_url: "${mock.url}", allow_private_network: true, models: [${MODEL}], ${extra} }`;
  t = await startTestGateway(`
logging: { level: debug, bodies: true }
providers:
  p-default: ${entry(us, 'profile: default')}
  p-dev: ${entry(us, 'profile: dev')}
  p-cfg: ${entry(eu, 'profile: cfg')}
  p-cfg-us: ${entry(us, 'profile: cfg, region: us-east-1')}
  p-stale: ${entry(us, 'profile: stale')}
  p-rot: ${entry(us, 'profile: rot')}
  p-env: ${entry(us, 'credentials: env')}
  p-both: ${entry(us, `profile: dev, keys: ["${API_KEY}"]`)}
  p-sso: ${entry(us, 'profile: sso')}
  p-role: ${entry(us, 'profile: role')}
  p-proc: ${entry(us, 'profile: proc')}
  p-missing: ${entry(us, 'profile: nope')}
combos:
  ladder: { models: ["p-missing/${MODEL}", "p-default/${MODEL}"] }
`, { env: gatewayEnv });
});
afterAll(async () => {
  await t?.stop();
  await us?.stop();
  await eu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('profile: from the AWS shared files', () => {
  test('a provider with profile: and no keys: signs with that profile; two profiles of one file stay apart', async () => {
    const byDefault = await ask(`p-default/${MODEL}`, 'from default');
    expect([byDefault.status, answer(byDefault.text)]).toEqual([200, 'from default']);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, auth: 'sigv4', accessKeyId: DEFAULT.accessKeyId, region: 'us-east-1' });
    expect(us.requests.at(-1)!.headers['x-amz-security-token']).toBeUndefined();

    const byDev = await ask(`p-dev/${MODEL}`, 'from dev');
    expect([byDev.status, answer(byDev.text)]).toEqual([200, 'from dev']);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, auth: 'sigv4', accessKeyId: DEV.accessKeyId });
  });

  test('a session token goes as a signed x-amz-security-token, from every client dialect, streamed or not', async () => {
    for (const [name, via] of DIALECTS) {
      const from = us.requests.length;
      const r = await via(t, `p-dev/${MODEL}`, `dev ${name}`);
      expect([r.text, r.streamed]).toEqual([`dev ${name}`, `dev ${name} streamed`]);
      for (const call of us.requests.slice(from)) {
        expect([call.status, call.accessKeyId]).toEqual([200, DEV.accessKeyId]);
        expect(call.headers['x-amz-security-token']).toBe(DEV.sessionToken);
        expect(call.headers.authorization).toContain('SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,');
      }
    }
  });

  test('a session token other than the one issued with the key is refused by the mock', async () => {
    const r = await ask(`p-stale/${MODEL}`, 'expired token');
    expect(r.status).toBe(502);
    expect(us.requests.at(-1)).toMatchObject({ status: 403, accessKeyId: STALE.accessKeyId, problem: 'The security token included in the request is invalid.' });
    expect(us.requests.at(-1)!.headers['x-amz-security-token']).toBe('canary-stale-expired-token-IQoJb3Jp');
  });

  test('a [profile name] of the config file gives keys and its region; region: in the entry wins', async () => {
    const r = await ask(`p-cfg/${MODEL}`, 'from the config file');
    expect(r.status).toBe(200);
    expect(eu.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: CFG.accessKeyId, region: 'eu-west-3' });

    const pinned = await ask(`p-cfg-us/${MODEL}`, 'region pinned');
    expect(pinned.status).toBe(200);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: CFG.accessKeyId, region: 'us-east-1' });
  });

  test('keys rotated into the file apply at the next request, rewritten in place or renamed over it', async () => {
    expect((await ask(`p-rot/${MODEL}`, 'before rotation')).status).toBe(200);
    expect(us.requests.at(-1)!.accessKeyId).toBe(ROT[0]!.accessKeyId);

    // In place, same length: only the modification time tells (past the clock's coarse tick).
    us.credentials.splice(us.credentials.indexOf(ROT[0]!), 1, ROT[1]!);
    await Bun.sleep(30);
    writeFileSync(credentialsFile, credentialsText(ROT[1]!));
    const second = await ask(`p-rot/${MODEL}`, 'after rotation');
    expect(second.status).toBe(200);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: ROT[1]!.accessKeyId });
    expect(us.requests.at(-1)!.headers['x-amz-security-token']).toBe(ROT[1]!.sessionToken);

    // As tools write it: a new file renamed over the old one.
    us.credentials.splice(us.credentials.indexOf(ROT[1]!), 1, ROT[2]!);
    writeFileSync(`${credentialsFile}.tmp`, credentialsText(ROT[2]!));
    renameSync(`${credentialsFile}.tmp`, credentialsFile);
    expect((await ask(`p-rot/${MODEL}`, 'after rename')).status).toBe(200);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: ROT[2]!.accessKeyId });
  });

  test('keys: win over profile:', async () => {
    expect((await ask(`p-both/${MODEL}`, 'keys first')).status).toBe(200);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, auth: 'bearer' });
  });
});

describe('credentials: env', () => {
  test('the keys and session token of the gateway\'s environment, read at request time', async () => {
    const r = await ask(`p-env/${MODEL}`, 'from env', true);
    expect(r.status).toBe(200);
    expect(us.requests.at(-1)).toMatchObject({ status: 200, stream: true, accessKeyId: ENV.accessKeyId });
    expect(us.requests.at(-1)!.headers['x-amz-security-token']).toBe(ENV.sessionToken);

    setEnv({ AWS_ACCESS_KEY_ID: DEFAULT.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT.secretAccessKey, AWS_SESSION_TOKEN: '' });
    try {
      expect((await ask(`p-env/${MODEL}`, 'env changed')).status).toBe(200);
      expect(us.requests.at(-1)).toMatchObject({ status: 200, accessKeyId: DEFAULT.accessKeyId });
      expect(us.requests.at(-1)!.headers['x-amz-security-token']).toBeUndefined();
      setEnv({ AWS_SECRET_ACCESS_KEY: undefined });
      const unset = await ask(`p-env/${MODEL}`, 'env unset');
      expect(unset.status).toBe(502);
      expect(unset.text).toContain('credentials: env), but AWS_SECRET_ACCESS_KEY is not set.');
    } finally {
      setEnv({ AWS_ACCESS_KEY_ID: ENV.accessKeyId, AWS_SECRET_ACCESS_KEY: ENV.secretAccessKey, AWS_SESSION_TOKEN: ENV.sessionToken });
    }
  });
});

describe('profiles the gateway cannot use', () => {
  for (const [provider, says] of [
    ['p-sso', 'AWS profile "sso" (provider "p-sso") names sso_session "corp", but $AWS_CONFIG_FILE has no [sso-session corp] section.'],
    ['p-role', 'AWS profile "role" (provider "p-role") takes its source keys from Ec2InstanceMetadata (credential_source), which the gateway does not read.'],
    ['p-proc', 'AWS profile "proc" (provider "p-proc"): its credential_process could not be started (ENOENT).'],
    ['p-missing', 'AWS profile "nope" (provider "p-missing") was not found in $AWS_SHARED_CREDENTIALS_FILE or $AWS_CONFIG_FILE.'],
  ] as const) {
    test(`${provider}: 502 GW_UPSTREAM_AUTH naming the profile and what to change; nothing sent upstream`, async () => {
      const before = us.requests.length;
      const r = await ask(`${provider}/${MODEL}`);
      expect(r.status).toBe(502);
      const error = JSON.parse(r.text).error;
      expect(error.code).toBe('GW_UPSTREAM_AUTH');
      expect(error.message).toContain(says);
      expect(error.message).not.toContain('111122223333');
      expect(error.message).not.toContain('/opt/bin');
      expect(error.message).not.toContain(dir);
      expect(us.requests.length).toBe(before);
    });
  }

  test('a missing profile is retryable: a combo moves on to the next target', async () => {
    const r = await ask('ladder', 'fall through');
    expect([r.status, answer(r.text)]).toEqual([200, 'fall through']);
    expect(us.requests.at(-1)).toMatchObject({ accessKeyId: DEFAULT.accessKeyId });
  });
});

describe('secrets', () => {
  test('an upstream that echoes a profile\'s or the environment\'s secret: masked for the client', async () => {
    us.script([{ status: 400, message: `bad ${DEV.secretAccessKey} and ${DEV.sessionToken}` }]);
    const r = await ask(`p-dev/${MODEL}`, 'echo my secret');
    expect(r.status).toBe(400);
    expect(r.text).toContain('bad *** and ***');
    us.script([{ status: 400, message: `bad ${ENV.secretAccessKey}` }]);
    expect((await ask(`p-env/${MODEL}`, 'echo env secret')).text).toContain('bad ***');
  });

  test('no secret read from the files or the environment in the data dir (database, logs) or any client answer', async () => {
    for (const secret of [DEFAULT.secretAccessKey, DEV.secretAccessKey, DEV.sessionToken, CFG.secretAccessKey, ROT[2]!.sessionToken, ENV.sessionToken]) {
      t.gw.log.warn(`careless line ${secret}`);
    }
    t.gw.log.flush();
    t.gw.usage.flush();
    expect(filesContaining(t.dataDir, ['canary-'])).toEqual([]);
    expect(readFileSync(join(t.dataDir, 'logs', 'switchyard.log'), 'utf8').match(/"careless line \*\*\*"/g)).toHaveLength(6);
    expect(bodies.filter((b) => b.includes('canary-'))).toEqual([]);
  });
});
