/**
 * The Messages API refuses an image whose label does not match its bytes ("Image does not match
 * the provided media type image/png"). Claude Code labels an MCP tool's screenshot, a JPEG
 * screenshot or a file with the wrong extension as PNG, and replays its history as it is: every
 * later turn was refused. Other clients guess labels too. Toward Anthropic, every lane labels an
 * inline image with the type its bytes are in; the bytes go as sent.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, test } from 'bun:test';
import { image } from '../helpers/test-images.ts';
import { useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit();

const JPEG = await image('jpeg');
const PNG = await image('png');
const GIF = await image('gif');

/** Every base64 image the upstream received, as `[media_type, data]`, in order (tool results included). */
function images(body: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const s = o.source as Record<string, unknown> | undefined;
    if (o.type === 'image' && s?.type === 'base64') out.push([String(s.media_type), String(s.data)]);
    else Object.values(o).forEach(walk);
  };
  walk((body as { messages?: unknown }).messages);
  return out;
}

const lastBody = () => kit.mock.requests.at(-1)!.body;

test('the mock refuses a label that does not match the bytes, as the API does (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: kit.mock.origin, maxRetries: 0 });
  const err = await direct.messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 50,
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: JPEG } }, { type: 'text', text: 'What is this?' }] }],
  }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect(String((err as Error).message)).toContain('Image does not match the provided media type image/png');
});

describe('Claude Code on the passthrough lane: its history is served, images labelled as their bytes are', () => {
  const history: Anthropic.MessageParam[] = [
    { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: JPEG } }, { type: 'text', text: 'Fix the layout.' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'screenshot', input: {} }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: PNG } }, { type: 'text', text: 'saved' }] },
        { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: GIF } },
        { type: 'text', text: 'And now?' },
      ],
    },
  ];
  const tools: Anthropic.Tool[] = [{ name: 'screenshot', input_schema: { type: 'object', properties: {} } }];

  for (const stream of [false, true]) {
    test(stream ? 'stream' : 'non-stream', async () => {
      const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
      const params = { model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages: history };
      const message = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
      expect(message.content.length).toBeGreaterThan(0);
      expect(images(lastBody())).toEqual([['image/jpeg', JPEG], ['image/png', PNG], ['image/gif', GIF]]);
    });
  }
});

describe('other clients, translated for the Messages API', () => {
  test('OpenAI Chat: a data URL labelled from a file name', async () => {
    const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
    await openai.chat.completions.create({
      model: 'claude/claude-sonnet-4-5',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${JPEG}` } }, { type: 'text', text: 'What is this?' }] }],
    });
    expect(images(lastBody())).toEqual([['image/jpeg', JPEG]]);
  });

  test('Responses (Codex): an input_image data URL', async () => {
    const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
    await openai.responses.create({
      model: 'claude/claude-sonnet-4-5', store: false,
      input: [{ role: 'user', content: [{ type: 'input_image', image_url: `data:image/jpeg;base64,${PNG}`, detail: 'auto' }, { type: 'input_text', text: 'What is this?' }] }],
    });
    expect(images(lastBody())).toEqual([['image/png', PNG]]);
  });

  test('Gemini (Gemini CLI): inline data with a guessed mime type', async () => {
    const ai = new GoogleGenAI({ apiKey: kit.t.key, httpOptions: { baseUrl: kit.t.url, apiVersion: 'v1beta' } });
    await ai.models.generateContent({
      model: 'claude/claude-sonnet-4-5',
      contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: JPEG } }, { text: 'What is this?' }] }],
    });
    expect(images(lastBody())).toEqual([['image/jpeg', JPEG]]);
  });
});
