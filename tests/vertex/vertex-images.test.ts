/**
 * Claude on Vertex refuses URL sources ("URL sources are not supported", which the mock answers
 * as Vertex does), so the gateway fetches image and document URLs and sends them inline: from an
 * OpenAI client (the hub lane) and from an Anthropic client's own body (the passthrough lane).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { base64 as b64, PDF, PNG, startMediaFiles, type MediaFiles } from '../helpers/mock-media-files.ts';
import { CLAUDE, startVertexKit, type VertexKit } from './vertex-kit.ts';

type Json = Record<string, any>;
let kit: VertexKit;
let files: MediaFiles;
let img = '';

beforeAll(async () => {
  files = startMediaFiles({ '/cat.png': { bytes: PNG, type: 'image/png' }, '/report.pdf': { bytes: PDF, type: 'application/pdf' } });
  img = files.url;
  kit = await startVertexKit();
});
afterAll(async () => {
  await kit.stop();
  files.stop();
});
beforeEach(() => {
  kit.mock.reset();
  files.hits.length = 0;
});

const claudeBody = () => kit.mock.requests.at(-1)!.body as Json;

describe('Claude on Vertex: URL sources are fetched and sent inline', () => {
  test('OpenAI client, image_url by URL (hub lane): the image goes as base64, the reply comes back', async () => {
    const openai = new OpenAI({ baseURL: `${kit.t.url}/v1`, apiKey: kit.t.key, maxRetries: 0 });
    const r = await openai.chat.completions.create({
      model: `vertex/${CLAUDE}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: `${img}/cat.png` } }] }],
    });
    expect(r.choices[0]!.message.content).toBeString();
    expect(claudeBody().messages[0].content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(PNG) } });
    expect(files.hits).toEqual(['/cat.png']);
  });

  test('Anthropic client (passthrough lane), streamed: an image and a PDF by URL, one inside a tool result', async () => {
    const anthropic = new Anthropic({ baseURL: kit.t.url, apiKey: kit.t.key, maxRetries: 0 });
    const final = await anthropic.messages.stream({
      model: `vertex/${CLAUDE}`,
      max_tokens: 64,
      messages: [
        { role: 'user', content: [{ type: 'document', source: { type: 'url', url: `${img}/report.pdf` } }, { type: 'text', text: 'summarize, then check the chart' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'chart', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'url', url: `${img}/cat.png` } }] }] },
      ],
      tools: [{ name: 'chart', description: 'Draws the chart', input_schema: { type: 'object', properties: {} } }],
    }).finalMessage();
    expect(final.content.length).toBeGreaterThan(0);
    const sent = claudeBody();
    expect(sent.messages[0].content[0]).toEqual({ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: b64(PDF) } });
    expect(sent.messages[2].content[0].content[0]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(PNG) } });
    // The image was fetched by the first test for this provider: a conversation resends its
    // history each turn, and the gateway keeps what it fetched a while.
    expect(files.hits).toEqual(['/report.pdf']);
  });

  test('a URL that cannot be fetched: 400 in the Anthropic dialect, and Vertex is not called', async () => {
    const res = await kit.t.fetch('/v1/messages', {
      method: 'POST',
      headers: { 'anthropic-version': '2023-06-01' },
      json: { model: `vertex/${CLAUDE}`, max_tokens: 16, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: `${img}/gone.png?token=canary-url-token` } }] }] },
    });
    const body = await res.json() as Json;
    expect(res.status).toBe(400);
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain(`could not fetch the image at ${img}/gone.png: it answered HTTP 404`);
    expect(JSON.stringify(body)).not.toContain('canary-url-token');
    expect(kit.mock.requests.filter((q) => q.path.includes('/anthropic/'))).toHaveLength(0);
  });
});
