import { afterAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAwsTime, parseSsoToken, readSsoTokenFile, ssoTokenFilePath, writeSsoTokenFile } from './sso-token-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'sso-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ssoTokenFilePath', () => {
  test('~/.aws/sso/cache/<sha1 hex of the session name or start URL>.json', () => {
    // sha1("abc") is FIPS 180's first test vector.
    expect(ssoTokenFilePath('/home/ann', 'abc')).toBe('/home/ann/.aws/sso/cache/a9993e364706816aba3e25717850c26c9cd0d89d.json');
    expect(ssoTokenFilePath('/h', 'https://corp.awsapps.com/start')).toBe(`/h/.aws/sso/cache/${new Bun.CryptoHasher('sha1').update('https://corp.awsapps.com/start').digest('hex')}.json`);
  });
});

describe('parseSsoToken / parseAwsTime', () => {
  test('an sso-session login with its refresh fields; the CLI v1 "UTC" suffix is read as Z', () => {
    expect(parseAwsTime('2030-01-02T03:04:05UTC')).toBe(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(parseAwsTime('2030-01-02T03:04:05Z')).toBe(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(parseAwsTime('soon')).toBeUndefined();
    expect(parseSsoToken({
      accessToken: 'at', expiresAt: '2030-01-02T03:04:05Z', refreshToken: 'rt', clientId: 'cid', clientSecret: 'cs',
      registrationExpiresAt: '2030-02-01T00:00:00Z', region: 'eu-west-1', startUrl: 'https://corp.awsapps.com/start',
    })).toEqual({
      accessToken: 'at', expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5), refreshToken: 'rt', clientId: 'cid', clientSecret: 'cs', registrationExpiresAt: Date.UTC(2030, 1, 1),
    });
  });

  test('no access token or no readable expiry: no login', () => {
    expect(parseSsoToken({ expiresAt: '2030-01-02T03:04:05Z' })).toBeUndefined();
    expect(parseSsoToken({ accessToken: 'at', expiresAt: 'tomorrow' })).toBeUndefined();
  });
});

describe('readSsoTokenFile / writeSsoTokenFile', () => {
  test('a missing file or one that is not a JSON object reads as undefined', async () => {
    expect(await readSsoTokenFile(join(dir, 'missing.json'))).toBeUndefined();
    writeFileSync(join(dir, 'array.json'), '[1]');
    expect(await readSsoTokenFile(join(dir, 'array.json'))).toBeUndefined();
    writeFileSync(join(dir, 'junk.json'), '{');
    expect(await readSsoTokenFile(join(dir, 'junk.json'))).toBeUndefined();
  });

  test('written atomically with mode 0600, replacing the old file, no temporary file left', async () => {
    const folder = join(dir, 'cache');
    mkdirSync(folder);
    const file = join(folder, 'x.json');
    writeFileSync(file, '{"accessToken":"old"}', { mode: 0o644 });
    await writeSsoTokenFile(file, { accessToken: 'new', startUrl: 'u' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ accessToken: 'new', startUrl: 'u' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(folder)).toEqual(['x.json']);
  });

  test('a folder that does not exist: the error is thrown and nothing is left behind', async () => {
    await expect(writeSsoTokenFile(join(dir, 'nope', 'x.json'), {})).rejects.toThrow();
  });
});
