import { afterAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCredentialProcessOutput } from './parse-credential-process-output.ts';
import { runCredentialProcess } from './run-credential-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'cred-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2030, 0, 1);
const LABEL = 'AWS profile "proc" (provider "p")';
const script = (name: string, body: string) => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};
const plan = (command: string) => ({ kind: 'process' as const, profile: 'proc', command });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved'); }, (e: { code: string; status: number; message: string }) => e);
const SECRET_JSON = '{"Version":1,"AccessKeyId":"ASIAPROC000000000001","SecretAccessKey":"canary-proc-secret-0001","SessionToken":"canary-proc-token-0001","Expiration":"2030-01-01T01:00:00Z"}';

describe('parseCredentialProcessOutput', () => {
  test('Version 1 with keys, an optional session token and expiration', () => {
    expect(parseCredentialProcessOutput(SECRET_JSON)).toEqual({
      credentials: { accessKeyId: 'ASIAPROC000000000001', secretAccessKey: 'canary-proc-secret-0001', sessionToken: 'canary-proc-token-0001' },
      expiresAt: Date.UTC(2030, 0, 1, 1),
    });
    expect(parseCredentialProcessOutput('{"Version":1,"AccessKeyId":"AKIA1","SecretAccessKey":"s"}')).toEqual({ credentials: { accessKeyId: 'AKIA1', secretAccessKey: 's' } });
  });

  test('another version, missing keys, a bad expiration or no JSON: nothing', () => {
    for (const bad of ['{"Version":2,"AccessKeyId":"a","SecretAccessKey":"s"}', '{"Version":1,"AccessKeyId":"a"}', '{"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Expiration":"later"}', 'AKIA s', 'null']) {
      expect(parseCredentialProcessOutput(bad)).toBeUndefined();
    }
  });
});

describe('runCredentialProcess', () => {
  test('runs the command without a shell, with the gateway\'s environment and arguments as split', async () => {
    const path = script('ok.sh', `[ "$1" = "--profile" ] && [ "$2" = "a b" ] && [ "$MY_VAR" = "from-env" ] || exit 7\necho '${SECRET_JSON}'`);
    expect(await runCredentialProcess(plan(`${path} --profile "a b"`), { MY_VAR: 'from-env', PATH: process.env.PATH }, NOW, LABEL)).toMatchObject({
      credentials: { accessKeyId: 'ASIAPROC000000000001', sessionToken: 'canary-proc-token-0001' }, expiresAt: Date.UTC(2030, 0, 1, 1),
    });
    expect((await failure(runCredentialProcess(plan(`${path} --profile "a b"`), {}, NOW, LABEL))).message).toBe(`${LABEL}: its credential_process exited with status 7.`);
  });

  test('a non-zero exit or bad JSON is refused without quoting the output or the command', async () => {
    const fails = script('fails.sh', `echo '${SECRET_JSON}'\nexit 3`);
    const e = await failure(runCredentialProcess(plan(`${fails} --secret-arg`), {}, NOW, LABEL));
    expect([e.code, e.status, e.message]).toEqual(['GW_UPSTREAM_AUTH', 502, `${LABEL}: its credential_process exited with status 3.`]);
    const junk = script('junk.sh', 'echo "canary-proc-secret-0001 is not JSON"');
    const j = await failure(runCredentialProcess(plan(junk), {}, NOW, LABEL));
    expect(j.message).toStartWith(`${LABEL}: its credential_process did not print credentials as JSON`);
    for (const m of [e.message, j.message]) {
      expect(m).not.toContain('canary-');
      expect(m).not.toContain(dir);
    }
  });

  test('expired credentials, a command that cannot start, and an unterminated quote are refused', async () => {
    const old = script('old.sh', `echo '{"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Expiration":"2029-12-31T23:00:00Z"}'`);
    expect((await failure(runCredentialProcess(plan(old), {}, NOW, LABEL))).message).toBe(`${LABEL}: its credential_process returned credentials that have already expired.`);
    expect((await failure(runCredentialProcess(plan(join(dir, 'missing')), {}, NOW, LABEL))).message).toStartWith(`${LABEL}: its credential_process could not be started (`);
    expect((await failure(runCredentialProcess(plan('"open'), {}, NOW, LABEL))).message).toBe(`${LABEL}: its credential_process is empty or has an unterminated quote.`);
  });

  test('stopped past its time limit or its output limit', async () => {
    const slow = script('slow.sh', 'sleep 5');
    const started = Date.now();
    expect((await failure(runCredentialProcess(plan(slow), {}, NOW, LABEL, { timeoutMs: 200, maxOutputBytes: 1000 }))).message)
      .toBe(`${LABEL}: its credential_process did not finish within 0.2 s and was stopped.`);
    expect(Date.now() - started).toBeLessThan(2000);
    const chatty = script('chatty.sh', 'head -c 200000 /dev/zero');
    expect((await failure(runCredentialProcess(plan(chatty), {}, NOW, LABEL, { timeoutMs: 5000, maxOutputBytes: 1000 }))).message)
      .toBe(`${LABEL}: its credential_process printed more than 1000 bytes and was stopped.`);
  });
});
