/**
 * An upload refused after it was spooled to disk (its model name is not one any upstream has)
 * leaves no file behind: the dispatch answers it through the endpoint's error encoder with the
 * request, which releases the spool. Before, each such request kept its file on disk (up to
 * `max_upload_mb`) and an entry in the spool's map until the plugin was reloaded.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let up: MockOpenAI;
let t: TestGateway;

beforeAll(async () => {
  up = await startMockOpenAI();
  t = await startTestGateway(`
providers:
  up: { type: openai, base_url: ${up.url}, keys: [sk-test-up-000000], allow_private_network: true }
`);
});
afterAll(async () => {
  await t.stop();
  await up.stop();
});

/** Every file under the uploads folder (the spool's folders hold one file per upload). */
function spooledFiles(): string[] {
  return readdirSync(join(t.dataDir, 'uploads'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

function upload(model: string): Promise<Response> {
  const form = new FormData();
  form.set('model', model);
  form.set('file', new File([new Uint8Array(64 * 1024).fill(7)], 'a.wav', { type: 'audio/wav' }));
  return t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form });
}

test('uploads refused for their model name leave no spooled file', async () => {
  for (let i = 0; i < 50; i++) {
    const model = i % 2 === 0 ? `up/whisper-${i}\n` : `up/${'w'.repeat(600)}-${i}`;
    const res = await upload(model);
    expect(res.status).toBe(400);
    await res.text();
  }
  // The release deletes the file without waiting: give the deletes a moment.
  for (let i = 0; i < 50 && spooledFiles().length > 0; i++) await Bun.sleep(10);
  expect(spooledFiles()).toEqual([]);
});
