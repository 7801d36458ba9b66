/**
 * image-repair through a real gateway: coding-agent clients whose history holds an image the
 * provider cannot read, sent to mocks that decode every image and refuse as the real APIs do
 * (Anthropic "Could not process image", OpenAI "You uploaded an unsupported image", Responses
 * "The image data you provided does not represent a valid image", Gemini "Unable to process
 * input image"). With the plugin the same target serves the conversation, and later turns go
 * without the image at once; without it every turn is refused.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startUpstreams, type Upstream } from '../../../tests/conformance/kit/start-upstreams.ts';
import { cutShort, image } from '../../../tests/helpers/test-images.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';
import { IMAGE_LEFT_OUT } from './repair-images.ts';

let upstreams: Awaited<ReturnType<typeof startUpstreams>>;
let withPlugin: TestGateway;
let without: TestGateway;

beforeAll(async () => {
  upstreams = await startUpstreams();
  withPlugin = await startTestGateway(`${upstreams.yaml}\nplugins:\n  - image-repair: {}\n`);
  without = await startTestGateway(upstreams.yaml);
});
afterAll(async () => {
  await withPlugin?.stop();
  await without?.stop();
  await upstreams?.stop();
});

const upstream = (format: string) => upstreams.list.find((u) => u.format === format) as Upstream;
const GOOD = await image('png', 64, 48);
const png = (data: string) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } });

/** Claude Code's turn after its Read tool returned a screenshot cut short (read while being written). */
function readScreenshotTurn(model: string, shot: string): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model, max_tokens: 64,
    tools: [{ name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }],
    messages: [
      { role: 'user', content: [png(GOOD), { type: 'text', text: 'Fix the layout.' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: 'shot.png' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [png(shot)] }, { type: 'text', text: 'And now?' }] },
    ],
  };
}

const sentText = (up: Upstream, from: number) => up.received().slice(from).map((r) => JSON.stringify(r.body));

describe('image-repair', () => {
  for (const format of ['anthropic', 'openai', 'responses', 'gemini']) {
    test(`Claude Code → ${format}: refused once, served without the cut-short image; the next turn goes without it at once`, async () => {
      const up = upstream(format);
      // A screenshot of its own size per upstream: an image left out before is remembered.
      const shot = cutShort(await image('png', 300 + upstreams.list.indexOf(up), 200));
      const client = new Anthropic({ apiKey: withPlugin.key, baseURL: withPlugin.url, maxRetries: 0 });
      const before = up.received().length;
      const r = await client.messages.create(readScreenshotTurn(`${up.provider}/${up.model}`, shot));
      expect(r.content.length).toBeGreaterThan(0);
      const sent = sentText(up, before);
      expect(sent).toHaveLength(2);
      expect(sent[0]).not.toContain(IMAGE_LEFT_OUT);
      expect(sent[1]).toContain(IMAGE_LEFT_OUT);
      expect(sent[1]).toContain(GOOD);
      const again = await client.messages.create(readScreenshotTurn(`${up.provider}/${up.model}`, shot));
      expect(again.content.length).toBeGreaterThan(0);
      expect(sentText(up, before)).toHaveLength(3);
      expect(sentText(up, before)[2]).toContain(IMAGE_LEFT_OUT);
    });
  }

  test('without the plugin the refusal reaches the client, turn after turn', async () => {
    const up = upstream('anthropic');
    const client = new Anthropic({ apiKey: without.key, baseURL: without.url, maxRetries: 0 });
    const shot = cutShort(await image('png', 333, 200));
    for (let turn = 0; turn < 2; turn++) {
      const err = await client.messages.create(readScreenshotTurn(`${up.provider}/${up.model}`, shot)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(String((err as Error).message)).toContain('Could not process image');
    }
  });

  test('Codex with an SVG it was pointed at (→ Responses): served, the SVG standing as its source', async () => {
    const up = upstream('responses');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>';
    const openai = new OpenAI({ apiKey: withPlugin.key, baseURL: `${withPlugin.url}/v1`, maxRetries: 0 });
    const before = up.received().length;
    const res = await openai.responses.create({
      model: `${up.provider}/${up.model}`, store: false,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Make the icon blue.' }, { type: 'input_image', detail: 'auto', image_url: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }] }],
    });
    expect(res.status).toBe('completed');
    const sent = sentText(up, before);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toContain('[An SVG image, as its source:]');
    expect(sent[1]).toContain('fill=\\"red\\"');
  });

  test('a BMP named .png (OpenAI Chat client → OpenAI): re-encoded as a format the API takes', async () => {
    const up = upstream('openai');
    const { bmp } = await import('../../../tests/helpers/test-images.ts');
    const openai = new OpenAI({ apiKey: withPlugin.key, baseURL: `${withPlugin.url}/v1`, maxRetries: 0 });
    const before = up.received().length;
    const res = await openai.chat.completions.create({
      model: `${up.provider}/${up.model}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${bmp(6, 4).toString('base64')}` } }] }],
    });
    expect(res.choices[0]!.message).toBeDefined();
    const sent = up.received().slice(before);
    expect(sent).toHaveLength(2);
    const url = /"url":"(data:[^"]+)"/.exec(JSON.stringify(sent[1]!.body))![1]!;
    const meta = await new Bun.Image(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
    expect(meta).toMatchObject({ width: 6, height: 4 });
    expect(['png', 'jpeg']).toContain(meta.format);
  });

  test('other 400s are not retried', async () => {
    const up = upstream('openai');
    const openai = new OpenAI({ apiKey: withPlugin.key, baseURL: `${withPlugin.url}/v1`, maxRetries: 0 });
    const before = up.received().length;
    // JSON mode without the word "json": OpenAI refuses it, and so does the mock.
    const err = await openai.chat.completions.create({
      model: `${up.provider}/${up.model}`, response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'List three colors.' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${GOOD}` } }] }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(up.received().length - before).toBe(1);
  });
});
