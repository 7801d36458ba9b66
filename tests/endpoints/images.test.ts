import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let a: MockMedia;
let b: MockMedia;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  a = await startMockMedia();
  b = await startMockMedia();
  t = await startTestGateway(`
providers:
  a: { type: openai, base_url: "${a.url}", keys: [sk-a-1234567], allow_private_network: true }
  b: { type: openai, base_url: "${b.url}", keys: [sk-b-1234567], allow_private_network: true, pricing: { gpt-image-1: { input: 5, output: 40 }, dall-e-3: { per_image: 0.04 } } }
  o: { preset: openai, base_url: "${b.url}", keys: [sk-o-1234567], allow_private_network: true }
combos:
  painters: { models: [a/gpt-image-1, b/gpt-image-1] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await a?.stop();
  await b?.stop();
});

const png = (seed: number, size = 40_000) => Uint8Array.from({ length: size }, (_, i) => (i * seed + 7) & 0xff);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('POST /v1/images/generations', () => {
  test('b64_json: the SDK gets exactly what the upstream sent, usage details included', async () => {
    const res = await client.images.generate({ model: 'a/gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024' });
    const sent = a.requests.at(-1)!;
    expect(sent.path).toBe('/v1/images/generations');
    expect(sent.json).toEqual({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', n: 2, size: '1024x1024' });
    expect(res).toEqual(sent.reply as typeof res);
    expect(res.data).toHaveLength(2);
  });

  test('url responses with revised prompts pass through; extra fields are forwarded', async () => {
    const res = await client.images.generate({ model: 'a/dall-e-3', prompt: 'a fox', response_format: 'url', style: 'vivid', quality: 'hd' });
    const sent = a.requests.at(-1)!;
    expect(sent.json).toMatchObject({ model: 'dall-e-3', response_format: 'url', style: 'vivid', quality: 'hd' });
    expect(res.data?.[0].url).toStartWith('https://images.example.test/');
    expect(res.data?.[0].revised_prompt).toBe('a fox (revised)');
    const extra = await t.fetch('/v1/images/generations', { method: 'POST', json: { model: 'a/gpt-image-1', prompt: 'x', background: 'transparent', output_format: 'webp' } });
    expect(extra.status).toBe(200);
    expect(a.requests.at(-1)!.json).toMatchObject({ background: 'transparent', output_format: 'webp' });
  });

  test('fallback 500 → second, with a usage row carrying image tokens and cost', async () => {
    a.script([{ status: 500 }]);
    const res = await client.images.generate({ model: 'painters', prompt: 'fallback painting' });
    expect(res).toEqual(b.requests.at(-1)!.reply as typeof res);
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0];
    expect(row).toMatchObject({ operation: 'image', provider: 'b', attempts: 2, status: 'ok', inputTokens: 50, outputTokens: 50 });
    expect(row.costUsd).toBeCloseTo((50 * 5 + 50 * 40) / 1e6, 12);
  });

  test('a model priced per image is billed for the images returned', async () => {
    const res = await client.images.generate({ model: 'b/dall-e-3', prompt: 'three foxes', n: 3 });
    expect(res.data).toHaveLength(3);
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]).toMatchObject({ operation: 'image', provider: 'b', status: 'ok' });
    expect(t.gw.usage.recent(1)[0]!.costUsd).toBeCloseTo(3 * 0.04, 12);
  });

  test('per-image prices by size and quality (the openai preset\'s DALL·E 3 table)', async () => {
    const cost = async (body: Omit<OpenAI.ImageGenerateParams, 'model' | 'prompt'>) => {
      await client.images.generate({ model: 'o/dall-e-3', prompt: 'a fox', ...body });
      t.gw.usage.flush();
      const row = t.gw.usage.recent(1)[0]!;
      expect(row).toMatchObject({ operation: 'image', provider: 'o', status: 'ok' });
      return row.costUsd;
    };
    expect(await cost({})).toBeCloseTo(0.04, 12);
    expect(await cost({ size: '1024x1024', quality: 'standard' })).toBeCloseTo(0.04, 12);
    expect(await cost({ size: '1792x1024' })).toBeCloseTo(0.08, 12);
    expect(await cost({ quality: 'hd' })).toBeCloseTo(0.08, 12);
    expect(await cost({ size: '1024x1792', quality: 'hd', n: 2 })).toBeCloseTo(2 * 0.12, 12);
  });

  test('bad bodies are 400s naming the field; streaming is refused', async () => {
    const noPrompt = await t.fetch('/v1/images/generations', { method: 'POST', json: { model: 'a/gpt-image-1' } });
    expect(noPrompt.status).toBe(400);
    expect(((await noPrompt.json()) as { error: { param: string } }).error.param).toBe('prompt');
    const stream = await t.fetch('/v1/images/generations', { method: 'POST', json: { model: 'a/gpt-image-1', prompt: 'x', stream: true } });
    expect(stream.status).toBe(400);
  });
});

describe('POST /v1/images/edits (multipart)', () => {
  test('one image and a mask reach the upstream byte for byte', async () => {
    const image = png(3);
    const mask = png(5, 1000);
    const res = await client.images.edit({
      model: 'a/gpt-image-1', prompt: 'add a boat',
      image: await toFile(image, 'harbour.png', { type: 'image/png' }),
      mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
      size: '1024x1024',
    });
    const form = a.requests.at(-1)!.form!;
    expect(a.requests.at(-1)!.path).toBe('/v1/images/edits');
    expect(form.fields).toMatchObject({ model: ['gpt-image-1'], prompt: ['add a boat'], size: ['1024x1024'] });
    expect(form.files.map((f) => [f.field, f.filename, f.mediaType, f.size, f.sha256])).toEqual([
      ['image', 'harbour.png', 'image/png', image.length, sha(image)],
      ['mask', 'mask.png', 'image/png', mask.length, sha(mask)],
    ]);
    expect(res).toEqual(a.requests.at(-1)!.reply as typeof res);
  });

  test('several images (image[]) keep their order; fallback re-sends the same bytes', async () => {
    const images = [png(11), png(13), png(17)];
    a.script([{ status: 503 }]);
    await client.images.edit({
      model: 'painters', prompt: 'merge them',
      image: await Promise.all(images.map((bytes, i) => toFile(bytes, `in-${i}.png`, { type: 'image/png' }))),
    });
    const first = a.requests.at(-1)!.form!;
    const second = b.requests.at(-1)!.form!;
    const expected = images.map((bytes, i) => ['image[]', `in-${i}.png`, bytes.length, sha(bytes)]);
    expect(first.files.map((f) => [f.field, f.filename, f.size, f.sha256])).toEqual(expected);
    expect(second.files.map((f) => [f.field, f.filename, f.size, f.sha256])).toEqual(expected);
    // The spooled uploads are gone once the answer is out (deleted asynchronously: allow a moment).
    const uploads = join(t.dataDir, 'uploads');
    const left = () => readdirSync(uploads).flatMap((dir) => readdirSync(join(uploads, dir)));
    for (const until = Date.now() + 2000; left().length > 0 && Date.now() < until;) await Bun.sleep(10);
    expect(left()).toEqual([]);
  });

  test('an edit without an image is a 400 and leaves no spool behind', async () => {
    const form = new FormData();
    form.append('model', 'a/gpt-image-1');
    form.append('prompt', 'nothing to edit');
    const before = a.requests.length;
    const r = await t.fetch('/v1/images/edits', { method: 'POST', body: form });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { param: string } }).error.param).toBe('image');
    expect(a.requests.length).toBe(before);
  });
});

describe('images from a Gemini image model', () => {
  let m: MockMedia;
  let g: TestGateway;
  beforeAll(async () => {
    m = await startMockMedia();
    g = await startTestGateway(`
providers:
  g: { type: gemini, base_url: "${m.origin}", keys: [AIza-test-key-123], allow_private_network: true, pricing: { gemini-2.5-flash-image: { input: 0.3, output: 30 } } }
`);
  });
  afterAll(async () => {
    await g?.stop();
    await m?.stop();
  });

  test('generation: image output asked from generateContent; inline data → b64_json (or a data: URL)', async () => {
    const sdk = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.key, maxRetries: 0 });
    const res = await sdk.images.generate({ model: 'g/gemini-2.5-flash-image', prompt: 'a red kite' });
    const sent = m.requests.at(-1)!;
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(sent.json).toEqual({ contents: [{ role: 'user', parts: [{ text: 'a red kite' }] }], generationConfig: { responseModalities: ['IMAGE'] } });
    const inline = (sent.reply as { candidates: Array<{ content: { parts: Array<{ inlineData: { data: string } }> } }> }).candidates[0].content.parts[0].inlineData.data;
    expect(res.data?.[0].b64_json).toBe(inline);
    expect(res.usage).toMatchObject({ input_tokens: 12, output_tokens: 1290 });
    g.gw.usage.flush();
    expect(g.gw.usage.recent(1)[0].costUsd).toBeCloseTo((12 * 0.3 + 1290 * 30) / 1e6, 12);
    const asUrl = await sdk.images.generate({ model: 'g/gemini-2.5-flash-image', prompt: 'a red kite', response_format: 'url' });
    expect(asUrl.data?.[0].url).toBe(`data:image/png;base64,${inline}`);
  });

  test('edit: the source image travels inline', async () => {
    const sdk = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.key, maxRetries: 0 });
    const image = png(19, 3000);
    await sdk.images.edit({ model: 'g/gemini-2.5-flash-image', prompt: 'make it blue', image: await toFile(image, 'kite.png', { type: 'image/png' }) });
    const parts = (m.requests.at(-1)!.json as { contents: Array<{ parts: Array<Record<string, unknown>> }> }).contents[0].parts;
    expect(parts[1]).toEqual({ inlineData: { mimeType: 'image/png', data: Buffer.from(image).toString('base64') } });
  });

  test('edit with a mask: the mask follows the image as one more inline image, after an instruction saying what it is', async () => {
    const sdk = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: g.key, maxRetries: 0 });
    const image = png(23, 3000);
    const mask = png(29, 1200);
    await sdk.images.edit({
      model: 'g/gemini-2.5-flash-image', prompt: 'add a sun',
      image: await toFile(image, 'sky.png', { type: 'image/png' }), mask: await toFile(mask, 'mask.png', { type: 'image/png' }),
    });
    const parts = (m.requests.at(-1)!.json as { contents: Array<{ parts: Array<Record<string, unknown>> }> }).contents[0].parts;
    expect(parts).toEqual([
      { text: 'add a sun' },
      { inlineData: { mimeType: 'image/png', data: Buffer.from(image).toString('base64') } },
      { text: expect.stringContaining('mask') },
      { inlineData: { mimeType: 'image/png', data: Buffer.from(mask).toString('base64') } },
    ]);
  });
});
