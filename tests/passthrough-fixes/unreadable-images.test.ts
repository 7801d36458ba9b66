/**
 * "Could not process image": the Messages API decodes every image, and one it cannot decode fails
 * the whole request. Claude Code keeps the image in its history (a screenshot read while it was
 * being written; a PNG whose line ends a Windows shell rewrote, as `adb shell screencap -p >
 * file.png` in Git Bash does), so every later turn was refused and the session was lost. Toward
 * Anthropic, an image whose header cannot be read is left out before the request goes; one whose
 * header reads but whose pixels do not decode is left out after that refusal, the turn goes once
 * more, and later turns leave it out at once. A line of text stands where the image was.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect, test } from 'bun:test';
import { cutShort, image } from '../helpers/test-images.ts';
import { UPSTREAM_KEY, useAnthropicKit } from './anthropic-upstream-kit.ts';

const kit = useAnthropicKit();

const GOOD = await image('png', 64, 48);
const CUT = cutShort(await image('png', 320, 200));
/** What `>` in Git Bash makes of a PNG: every LF written as CRLF, its signature included. */
const CRLF = Buffer.from(Buffer.from(await image('png', 64, 48), 'base64').toString('latin1').replaceAll('\n', '\r\n'), 'latin1').toString('base64');
const LEFT_OUT = '[An image was left out here: its file could not be read as an image (damaged or cut short).]';

const png = (data: string) => ({ type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data } });

/** The images and texts the upstream last received, tool results included. */
function received(): { images: string[]; texts: string[] } {
  const images: string[] = [];
  const texts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'image') images.push(String((o.source as { data: unknown }).data));
    else if (o.type === 'text') texts.push(String(o.text));
    else Object.values(o).forEach(walk);
  };
  walk((kit.mock.requests.at(-1)!.body as { messages: unknown }).messages);
  return { images, texts };
}

test('the mock refuses an image that does not decode, as the API does (the tests below would catch it)', async () => {
  const direct = new Anthropic({ apiKey: UPSTREAM_KEY, baseURL: kit.mock.origin, maxRetries: 0 });
  for (const data of [CUT, CRLF]) {
    const err = await direct.messages.create({
      model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: [png(data), { type: 'text', text: 'What is this?' }] }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((err as Error).message)).toContain('Could not process image');
  }
});

test('Claude Code, a cut-short screenshot in a tool result: served after one refusal; the next turn goes without it at once', async () => {
  const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
  const messages: Anthropic.MessageParam[] = [
    { role: 'user', content: [png(GOOD), { type: 'text', text: 'Fix the layout.' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'Read', input: { file_path: 'shot.png' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: [png(CUT)] }, { type: 'text', text: 'And now?' }] },
  ];
  const tools: Anthropic.Tool[] = [{ name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }];
  const before = kit.mock.requests.length;
  const first = await client.messages.stream({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages }).finalMessage();
  expect(first.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 2);
  expect(received().images).toEqual([GOOD]);
  expect(received().texts).toContain(LEFT_OUT);
  const second = await client.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, tools, messages });
  expect(second.content.length).toBeGreaterThan(0);
  expect(kit.mock.requests.length).toBe(before + 3);
  expect(received().images).toEqual([GOOD]);
});

test('a PNG whose line ends were rewritten: left out before the request goes (one call)', async () => {
  const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
  const before = kit.mock.requests.length;
  await client.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: [png(CRLF), png(GOOD), { type: 'text', text: 'Compare.' }] }] });
  expect(kit.mock.requests.length).toBe(before + 1);
  expect(received()).toEqual({ images: [GOOD], texts: [LEFT_OUT, 'Compare.'] });
});

test('an OpenAI Chat client, translated: the same repair', async () => {
  const openai = new OpenAI({ apiKey: kit.t.key, baseURL: `${kit.t.url}/v1`, maxRetries: 0 });
  const cut = cutShort(await image('png', 300, 200)); // not seen before: its header reads, so it goes once
  const before = kit.mock.requests.length;
  const res = await openai.chat.completions.create({
    model: 'claude/claude-sonnet-4-5',
    messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${cut}` } }, { type: 'text', text: 'What is this?' }] }],
  });
  expect(res.choices[0]!.message.content).toBeTruthy();
  expect(kit.mock.requests.length).toBe(before + 2);
  expect(received()).toEqual({ images: [], texts: [LEFT_OUT, 'What is this?'] });
});

test('an image the API cannot decode while Bun.Image can: the refusal reaches the client as it is', async () => {
  const client = new Anthropic({ apiKey: kit.t.key, baseURL: kit.t.url, maxRetries: 0 });
  kit.mock.script([{ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'Could not process image' } } }]);
  const err = await client.messages.create({ model: 'claude/claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: [png(GOOD), { type: 'text', text: 'hi' }] }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Anthropic.BadRequestError);
  expect(String((err as Error).message)).toContain('Could not process image');
});
