/**
 * Codex compresses its requests with zstd (`Content-Encoding: zstd`) when it talks to OpenAI's
 * backend with a ChatGPT login, and its turns grow to megabytes. The gateway decodes such a body
 * like any other: the turn is served, on the passthrough lane and translated, and the upstream
 * gets plain JSON with no Content-Encoding. Before, every such request was a 400 ("not valid
 * UTF-8").
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { zstdCompressSync } from 'node:zlib';
import { chatSse, codexBody, codexPreamble, MODEL, parseSse, startCodexGateway, type CodexGateway } from './codex-kit.ts';
import { responsesFrames } from './responses-frames.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

function postZstd(body: unknown): Promise<Response> {
  return fetch(`${g.gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.gw.key}`, 'content-type': 'application/json', 'content-encoding': 'zstd', accept: 'text/event-stream', originator: 'codex_cli_rs' },
    body: new Uint8Array(zstdCompressSync(Buffer.from(JSON.stringify(body)), {})),
  });
}

test('a zstd-compressed Codex turn is served on the passthrough lane; the upstream gets plain JSON', async () => {
  g.up.next({ sse: responsesFrames({ id: 'resp_z1', model: 'gpt-5-codex', output: [{ id: 'msg_z1', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Compressed fine.', annotations: [] }] }], usage: { input_tokens: 900, output_tokens: 4, total_tokens: 904 } }) });
  const body = codexBody(MODEL.responses, codexPreamble('Say hi. ' + 'é'.repeat(2000)));
  const res = await postZstd(body);
  expect(res.status).toBe(200);
  const frames = parseSse(await res.text());
  expect(frames.at(-1)?.event).toBe('response.completed');
  expect(JSON.stringify(frames)).toContain('Compressed fine.');
  const rec = g.up.server.requests.at(-1)!;
  expect(rec.headers['content-encoding']).toBeUndefined();
  expect(rec.body).toEqual({ ...body, model: 'gpt-5-codex' });
});

test('translated to a chat upstream too', async () => {
  const chunk = (delta: object, finish: string | null = null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [{ index: 0, delta, finish_reason: finish }] });
  g.up.next({ sse: chatSse([chunk({ role: 'assistant', content: 'Hi from chat.' }), chunk({}, 'stop')]) });
  const res = await postZstd(codexBody(MODEL.chat, codexPreamble('Say hi.')));
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('Hi from chat.');
  expect(g.up.server.requests.at(-1)!.headers['content-encoding']).toBeUndefined();
});

test('a coding the gateway does not know is a 415 in the OpenAI shape; nothing reaches the upstream', async () => {
  const before = g.up.server.requests.length;
  const res = await fetch(`${g.gw.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${g.gw.key}`, 'content-type': 'application/json', 'content-encoding': 'compress' },
    body: JSON.stringify(codexBody(MODEL.responses, codexPreamble('x'))),
  });
  expect(res.status).toBe(415);
  const err = (await res.json()) as { error: { message: string; type: string } };
  expect(err.error.message).toContain('Content-Encoding');
  expect(g.up.server.requests.length).toBe(before);
});
