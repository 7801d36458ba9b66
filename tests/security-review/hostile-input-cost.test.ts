/**
 * Work a client can make the gateway do in one request, on the event loop every other request
 * shares: each lookup in these decoders was a scan, so a body of N items cost N² (seconds for a
 * few MB, minutes near the 10 MB body limit). Each case below took seconds before; the bound is
 * loose (the fixed code takes tens of milliseconds) so a slow machine does not fail it.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpInput } from '../../core/plugin/types.ts';
import { convertGeminiContents } from '../../plugins/translator/gemini/convert-gemini-contents.ts';
import type { GeminiContent } from '../../plugins/translator/gemini/gemini-request-schema.ts';
import { wrapCarried } from '../../plugins/translator/gemini/gemini-signature.ts';
import { ResponseStore, type StoredResponse } from '../../plugins/translator/openai-responses/response-store.ts';
import { StoredResponses } from '../../plugins/translator/openai-responses/stored-responses.ts';

const BOUND_MS = 1500;

function timed(run: () => void): number {
  const t = performance.now();
  run();
  return performance.now() - t;
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sy-sec-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'message', role: 'user', content: 'a', id: `msg_${i}` }));
const stored = (id: string, input: unknown[], now: number): StoredResponse => ({
  id, keyId: 'k', previousId: null, createdAt: now, expiresAt: now + 1e9, input, response: { id, object: 'response', output: [] },
});

describe('Gemini contents', () => {
  test('a call carrying 60,000 foreign reasoning blocks (2.5 MB) decodes in linear time, duplicates dropped', () => {
    const blocks = Array.from({ length: 60_000 }, (_, i) => ({ text: '', signature: `sig${i % 50_000}` }));
    const contents = [{ role: 'model', parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: wrapCarried(blocks, 'anthropic') }] }] as GeminiContent[];
    let parts = 0;
    const ms = timed(() => {
      parts = convertGeminiContents(contents)[0]!.content.length;
    });
    expect(parts).toBe(50_000 + 1);
    expect(ms).toBeLessThan(BOUND_MS);
  }, 60_000);

  test('60,000 function calls and their responses (5 MB) pair in linear time, each response with its call', () => {
    const n = 60_000;
    const contents = [
      { role: 'model', parts: Array.from({ length: n }, (_, i) => ({ functionCall: { name: i % 2 ? 'read' : 'grep', args: {} } })) },
      { role: 'user', parts: Array.from({ length: n }, (_, i) => ({ functionResponse: { name: i % 2 ? 'read' : 'grep', response: {} } })) },
    ] as GeminiContent[];
    let out: ReturnType<typeof convertGeminiContents> = [];
    const ms = timed(() => {
      out = convertGeminiContents(contents);
    });
    const callIds = out[0]!.content.map((p) => (p as { id: string }).id);
    const answered = out.slice(1).map((m) => (m.content[0] as { toolCallId: string }).toolCallId);
    expect(answered).toEqual(callIds);
    expect(ms).toBeLessThan(BOUND_MS);
  }, 60_000);
});

describe('Responses item lookups', () => {
  test('20,000 unknown item ids against a queue of responses with 80,000 items', () => {
    const store = new ResponseStore(join(tempDir(), 'responses.db'), 1e12);
    const input = messages(20_000);
    for (let r = 0; r < 4; r++) store.put(stored(`resp_${r}`, input, 1));
    const ms = timed(() => {
      for (let i = 0; i < 20_000; i++) store.item(`unknown_${i}`, 'k', 2);
    });
    expect(store.item('msg_7', 'k', 2)).toEqual(input[7]);
    store.close();
    expect(ms).toBeLessThan(BOUND_MS);
  }, 60_000);

  test('item_references: 40,000 into the previous response\'s history, 3,000 into a stored 5,000-item response', () => {
    const now = Date.now();
    const s = new StoredResponses({ enabled: true, ttlMs: 1e9, maxBytes: 1e12, maxEntryBytes: 1e12, dataDir: tempDir(), now: () => now });
    const store = (s as unknown as { open(): ResponseStore }).open();
    store.put(stored('resp_long', messages(40_000), now));
    store.put(stored('resp_other', messages(5_000).map((m) => ({ ...m, id: `other_${m.id}` })), now));
    store.flush();
    const input = { key: { id: 'k' } } as HttpInput;
    const refs = (ids: string[]) => ids.map((id) => ({ type: 'item_reference', id }));
    let own: unknown[] = [];
    const historyMs = timed(() => {
      own = s.begin(input, { previous_response_id: 'resp_long', store: false }, refs(messages(40_000).map((m) => m.id))).own;
    });
    expect(own).toHaveLength(40_000);
    expect(own[39_999]).toMatchObject({ role: 'user', content: 'a' });
    const storeMs = timed(() => {
      own = s.begin(input, { store: false }, refs(Array.from({ length: 3_000 }, (_, i) => `other_msg_${i}`))).own;
    });
    expect(own).toHaveLength(3_000);
    s.dispose();
    expect(historyMs).toBeLessThan(BOUND_MS);
    expect(storeMs).toBeLessThan(BOUND_MS);
  }, 120_000);
});
