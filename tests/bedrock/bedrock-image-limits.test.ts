/**
 * Converse takes at most 20 images in a request, each at most 3.75 MB and 8000 px a side, and
 * refuses the whole request otherwise: a coding agent that replays its screenshots was refused on
 * every turn past the twentieth screenshot. Toward Bedrock the oldest images past 20 are left out
 * (a line of text in their place) and an image too large is scaled down before the call.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { MockBedrock } from '../helpers/mock-bedrock.ts';
import { image } from '../helpers/test-images.ts';
import { bedrockEntry, startBedrockKit, type BedrockKit } from './bedrock-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const API_KEY = 'ABSKlimits-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';

type Json = Record<string, any>;
let kit: BedrockKit;
let mock: MockBedrock;
let anthropic: Anthropic;

beforeAll(async () => {
  kit = await startBedrockKit({ apiKeys: [API_KEY] }, (url) => `
providers:
  bedrock: ${bedrockEntry(url, API_KEY, [MODEL])}
`);
  ({ mock, anthropic } = kit);
});
afterAll(async () => {
  await kit.stop();
});

const png = (data: string) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } });
/** Every image block and text the fake Bedrock last received, in order. */
function received(): { images: string[]; texts: string[] } {
  const blocks = ((mock.requests.at(-1)!.body as Json).messages as Json[]).flatMap((m) => m.content as Json[]);
  const all = blocks.flatMap((b) => (b.toolResult ? b.toolResult.content as Json[] : [b]));
  return { images: all.filter((b) => b.image).map((b) => b.image.source.bytes), texts: all.filter((b) => b.text).map((b) => b.text) };
}

test('the fake Bedrock refuses 21 images, as Converse does (the test below would catch it)', async () => {
  const shot = await image('png', 8, 6);
  const res = await fetch(`${mock.url}/model/${encodeURIComponent(MODEL)}/converse`, {
    method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: [...Array.from({ length: 21 }, () => ({ image: { format: 'png', source: { bytes: shot } } })), { text: 'hi' }] }] }),
  });
  expect(res.status).toBe(400);
  expect(await res.text()).toContain('Too many images');
});

test('Claude Code with 22 screenshots, one 9000 px wide: served; the two oldest left out, the wide one scaled to 8000', async () => {
  const shots = await Promise.all(Array.from({ length: 21 }, (_, i) => image('png', 10 + i, 8)));
  const wide = await image('png', 9000, 10);
  const content = [...[...shots, wide].map(png), { type: 'text' as const, text: 'What changed?' }];
  const final = await anthropic.messages.stream({ model: `bedrock/${MODEL}`, max_tokens: 100, messages: [{ role: 'user', content }] }).finalMessage();
  expect(final.content[0]!.type).toBe('text');
  const { images, texts } = received();
  expect(images).toHaveLength(20);
  expect(images.slice(0, 19)).toEqual(shots.slice(2));
  expect(await new Bun.Image(Buffer.from(images[19]!, 'base64')).metadata()).toMatchObject({ width: 8000 });
  expect(texts.filter((t) => t.includes('Bedrock takes at most 20 images'))).toHaveLength(2);
});
