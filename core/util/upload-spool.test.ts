import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUploadSpool } from './upload-spool.ts';

const root = mkdtempSync(join(tmpdir(), 'spool-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createUploadSpool', () => {
  test('sweeps folders of its prefix left over a day ago, keeps younger and foreign ones', () => {
    const old = join(root, 'audio-old');
    const young = join(root, 'audio-young');
    const other = join(root, 'images-old');
    for (const d of [old, young, other]) mkdirSync(d);
    const twoDaysAgo = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    const spool = createUploadSpool(root, 'audio');
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(other)).toBe(true);
    const mine = readdirSync(root).filter((d) => d.startsWith('audio-') && d !== 'audio-young');
    expect(mine).toHaveLength(1);
    spool.dispose();
    expect(existsSync(join(root, mine[0]))).toBe(false);
  });

  test('reads a multipart request into its folder and releases it', async () => {
    const spool = createUploadSpool(root, 'audio');
    const form = new FormData();
    form.append('file', new File([new Uint8Array(1000)], 'a.wav'));
    const request = new Request('http://x/', { method: 'POST', body: form });
    const body = await spool.read({ request } as never, 10_000);
    expect(body.files[0].size).toBe(1000);
    expect(existsSync(body.files[0].path)).toBe(true);
    spool.release(request);
    await Bun.sleep(20);
    expect(existsSync(body.files[0].path)).toBe(false);
    spool.dispose();
  });
});
