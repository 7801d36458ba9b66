/**
 * The Messages API refuses a whole request for one image past its limits: over 5 MB of base64,
 * over 8000 px a side, over 2000 px once there are more than 20 images, or more than 100 images.
 * A coding agent replays its history, so one Retina screenshot among twenty others, or a large
 * photo a tool read, refused every later turn ("At least one of the image dimensions exceed max
 * allowed size for many-image requests: 2000 pixels"). Toward Anthropic the gateway scales such
 * images down, and leaves out the oldest past 100 with a line saying so; images within the
 * limits go as sent. The mock checks the limits on the decoded images, as the API does.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let mock: MockAnthropic;
let t: TestGateway;
let claude: Anthropic;
/** A Retina screenshot (2880×1800 PNG), a small one, and a photo past every limit (9000×6000, over 5 MB). */
let RETINA: string;
let SMALL: string;
let HUGE: string;

async function png(width: number, height: number): Promise<string> {
  const base = await Bun.file(join(import.meta.dir, '../../docs/screenshots/overview.png')).bytes();
  return (await new Bun.Image(base).resize(width, height, { fit: 'fill' }).png().bytes()).toBase64();
}

beforeAll(async () => {
  [RETINA, SMALL, HUGE] = await Promise.all([png(2880, 1800), png(200, 150), png(9000, 6000)]);
  mock = await startMockAnthropic({ apiKey: 'sk-ant-up-000001' });
  t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${mock.origin}", keys: [sk-ant-up-000001], allow_private_network: true }
`);
  claude = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
}, 30_000);
afterAll(async () => {
  await t?.stop();
  await mock?.stop();
});

const image = (data: string): Anthropic.ImageBlockParam => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data } });

/** A Claude Code history: `shots` screenshots, every third one returned by a tool, then a question; turns alternate. */
function history(shots: string[]): Anthropic.MessageParam[] {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: [{ type: 'text', text: 'Start.' }] }];
  const push = (m: Anthropic.MessageParam) => {
    if (messages.at(-1)!.role === m.role) {
      messages.push(m.role === 'user' ? { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] } : { role: 'user', content: [{ type: 'text', text: 'Go on.' }] });
    }
    messages.push(m);
  };
  shots.forEach((data, i) => {
    if (i % 3 === 2) {
      push({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name: 'screenshot', input: {} }] });
      push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: [image(data), { type: 'text', text: 'taken' }] }] });
    } else {
      push({ role: 'user', content: [image(data), { type: 'text', text: `Screenshot ${i}.` }] });
    }
  });
  push({ role: 'user', content: [{ type: 'text', text: 'What changed?' }] });
  return messages;
}

const tools: Anthropic.Tool[] = [{ name: 'screenshot', input_schema: { type: 'object', properties: {} } }];

/** The images and the text blocks the upstream received, in order. */
function received(): { images: string[]; texts: string[] } {
  const images: string[] = [];
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    if (o.type === 'image') images.push(o.source.data);
    else if (o.type === 'text') texts.push(o.text);
    else Object.values(o).forEach(walk);
  };
  walk((mock.requests.at(-1)!.body as { messages: unknown }).messages);
  return { images, texts };
}

async function sizeOf(data: string) {
  const { width, height, format } = await new Bun.Image(Buffer.from(data, 'base64')).metadata();
  return { width, height, format };
}

describe('the mock refuses what the API refuses (the tests below would catch it)', () => {
  const direct = () => new Anthropic({ apiKey: 'sk-ant-up-000001', baseURL: mock.origin, maxRetries: 0 });
  test('a Retina screenshot among 21 images', async () => {
    const shots = Array.from({ length: 21 }, (_, i) => (i === 4 ? RETINA : SMALL));
    const err = await direct().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, tools, messages: history(shots) }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain('for many-image requests: 2000 pixels');
  });
  test('a photo over 5 MB', async () => {
    const err = await direct().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, tools, messages: history([HUGE]) }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain('image exceeds 5 MB maximum');
  });
});

describe('Claude Code on the passthrough lane', () => {
  test('21 screenshots, three of them Retina: served, the Retina ones scaled to 2000 px, the others as sent', async () => {
    const shots = Array.from({ length: 21 }, (_, i) => (i % 7 === 3 ? RETINA : SMALL));
    for (const stream of [false, true]) {
      const params = { model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages: history(shots) };
      const message = stream ? await claude.messages.stream(params).finalMessage() : await claude.messages.create(params);
      expect(message.content.length).toBeGreaterThan(0);
      const { images } = received();
      expect(images.length).toBe(21);
      for (const [i, data] of images.entries()) {
        if (shots[i] === SMALL) expect(data).toBe(SMALL);
        else expect(await sizeOf(data)).toEqual({ width: 2000, height: 1250, format: 'png' });
      }
    }
  }, 20_000);

  test('a photo past every limit, returned by a tool: served, scaled within 8000 px and 5 MB', async () => {
    const message = await claude.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages: history([SMALL, SMALL, HUGE]) });
    expect(message.content.length).toBeGreaterThan(0);
    const { images } = received();
    expect(images.slice(0, 2)).toEqual([SMALL, SMALL]);
    const size = await sizeOf(images[2]!);
    expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(8000);
    expect(images[2]!.length).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(size.width / size.height).toBeCloseTo(1.5, 2);
  }, 30_000);

  test('102 images: the two oldest are left out with a line saying so, the 100 newest go as sent', async () => {
    const shots = Array.from({ length: 102 }, () => SMALL);
    await claude.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages: history(shots) });
    const { images, texts } = received();
    expect(images.length).toBe(100);
    expect(texts.filter((x) => x.includes('at most 100 images')).length).toBe(2);
  }, 20_000);
});

test('another client, translated for the Messages API: a Retina screenshot among 21 images is scaled too', async () => {
  const openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  const shots = Array.from({ length: 21 }, (_, i) => (i === 20 ? RETINA : SMALL));
  await openai.chat.completions.create({
    model: 'claude/claude-sonnet-4-5',
    messages: [{ role: 'user', content: [...shots.map((d) => ({ type: 'image_url' as const, image_url: { url: `data:image/png;base64,${d}` } })), { type: 'text', text: 'Compare.' }] }],
  });
  const { images } = received();
  expect(images.slice(0, 20)).toEqual(shots.slice(0, 20));
  expect(await sizeOf(images[20]!)).toEqual({ width: 2000, height: 1250, format: 'png' });
}, 20_000);
