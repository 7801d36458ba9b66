/**
 * `type: deepgram` behind the OpenAI audio endpoints, driven by the official `openai` SDK:
 * transcriptions in every response format (segments from Deepgram's utterances), the audio
 * streamed unchanged to `/v1/listen` with `Authorization: Token`, translations and errors falling
 * back to an OpenAI-format target, and Aura speech streamed back in the asked format.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { deepgramSpeechBytes, startMockDeepgram, type MockDeepgram } from '../helpers/mock-deepgram.ts';
import { startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const KEY = 'dg-test-key-0123456789abcdef';
const WORDS = ['Hello', 'there,', 'this', 'is', 'Deepgram', 'speaking.'];
let dg: MockDeepgram;
let media: MockMedia;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  dg = await startMockDeepgram({ key: KEY, words: WORDS });
  media = await startMockMedia();
  t = await startTestGateway(`
providers:
  dg: { preset: deepgram, base_url: "${dg.url}", keys: [${KEY}], allow_private_network: true }
  oa: { type: openai, base_url: "${media.url}", keys: [sk-media-1234567], allow_private_network: true }
combos:
  ears: { models: [dg/nova-3, oa/whisper-1] }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await dg?.stop();
  await media?.stop();
});

const audio = Uint8Array.from({ length: 90_000 }, (_, i) => (i * 13 + (i >> 7)) & 0xff);
const file = () => toFile(audio, 'call.wav', { type: 'audio/wav' });

describe('transcriptions through Deepgram', () => {
  test('json: the audio goes to /v1/listen unchanged, with the key as Token and the model in the query', async () => {
    const res = await client.audio.transcriptions.create({ model: 'dg/nova-3', file: await file() });
    expect(res).toEqual({ text: WORDS.join(' ') } as typeof res);
    const sent = dg.requests.at(-1)!;
    expect(sent.path).toBe('/v1/listen');
    expect(sent.query).toEqual({ model: 'nova-3', smart_format: 'true', utterances: 'true', detect_language: 'true' });
    expect(sent.headers.authorization).toBe(`Token ${KEY}`);
    expect(sent.headers['content-type']).toBe('audio/wav');
    expect(sent.audio).toEqual({ size: audio.length, sha256: createHash('sha256').update(audio).digest('hex') });
    // Billed per minute at the preset's Nova-3 price, for the duration Deepgram reports (0.5 s a word).
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0]!;
    expect(row).toMatchObject({ operation: 'transcribe', provider: 'dg', inputTokens: 0, outputTokens: 0, estimated: false });
    expect(row.costUsd).toBeCloseTo(((WORDS.length * 0.5) / 60) * 0.0043, 12);
  });

  test('verbose_json: language, duration, words and utterances as segments; the language is passed on', async () => {
    const res = await client.audio.transcriptions.create({ model: 'dg/nova-3', file: await file(), response_format: 'verbose_json', language: 'en' });
    expect(dg.requests.at(-1)!.query).toMatchObject({ language: 'en' });
    expect(res).toMatchObject({ task: 'transcribe', language: 'en', duration: 3, text: WORDS.join(' ') });
    const verbose = res as unknown as { words: unknown[]; segments: unknown[] };
    expect(verbose.words[0]).toEqual({ word: 'Hello', start: 0, end: 0.4 });
    expect(verbose.segments).toEqual([
      { id: 0, start: 0, end: 1.4, text: 'Hello there, this' },
      { id: 1, start: 1.5, end: 2.9, text: 'is Deepgram speaking.' },
    ]);
  });

  test('text and srt are built from the transcript and the utterances', async () => {
    expect(await client.audio.transcriptions.create({ model: 'dg/nova-3', file: await file(), response_format: 'text' })).toBe(`${WORDS.join(' ')}\n`);
    const srt = await client.audio.transcriptions.create({ model: 'dg/nova-3', file: await file(), response_format: 'srt' });
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,400\nHello there, this\n\n2\n00:00:01,500 --> 00:00:02,900\nis Deepgram speaking.\n\n');
  });

  test('a Deepgram 429 falls back to the next target in the combo, the file sent again in full', async () => {
    dg.fail = 429;
    const before = media.requests.length;
    const res = await client.audio.transcriptions.create({ model: 'ears', file: await file() });
    expect(media.requests.length).toBe(before + 1);
    expect(media.requests.at(-1)!.form!.files[0]!.size).toBe(audio.length);
    expect(res.text).toBe((media.requests.at(-1)!.reply as { text: string }).text);
  });

  test('translations: Deepgram does not translate, so the combo moves on; alone it is a clear 400', async () => {
    const before = dg.requests.length;
    const res = await client.audio.translations.create({ model: 'ears', file: await file() });
    expect(dg.requests.length).toBe(before);
    expect(media.requests.at(-1)!.path).toBe('/v1/audio/translations');
    expect(typeof res.text).toBe('string');
    const alone = await client.audio.translations.create({ model: 'dg/nova-3', file: await file() }).catch((e: unknown) => e);
    expect(alone).toBeInstanceOf(OpenAI.BadRequestError);
    expect((alone as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('does not translate');
  });

  test('a bad Deepgram key is a 502 in the OpenAI shape that names Deepgram\'s reason, never the key', async () => {
    const bad = await startTestGateway(`
providers:
  dg: { preset: deepgram, base_url: "${dg.url}", keys: [dg-wrong-key-0000000000], allow_private_network: true }
`);
    try {
      const r = await bad.fetch('/v1/audio/transcriptions', { method: 'POST', body: (() => { const f = new FormData(); f.set('model', 'dg/nova-3'); f.set('file', new File([audio as Uint8Array<ArrayBuffer>], 'a.wav', { type: 'audio/wav' })); return f; })() });
      expect(r.status).toBe(502);
      const text = await r.text();
      expect(JSON.parse(text).error.message).toContain('Invalid credentials.');
      expect(text).not.toContain('dg-wrong-key');
    } finally {
      await bad.stop();
    }
  });
});

describe('speech through Deepgram Aura', () => {
  test('mp3 by default; the model is the voice; the bytes come back unchanged', async () => {
    const res = await client.audio.speech.create({ model: 'dg/aura-2-thalia-en', voice: 'alloy', input: 'Good morning.' });
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(deepgramSpeechBytes('Good morning.'));
    const sent = dg.requests.at(-1)!;
    expect(sent.path).toBe('/v1/speak');
    expect(sent.query).toEqual({ model: 'aura-2-thalia-en', encoding: 'mp3' });
    expect(sent.body).toEqual({ text: 'Good morning.' });
    t.gw.usage.flush();
    expect(t.gw.usage.recent(1)[0]!.costUsd).toBeCloseTo(('Good morning.'.length * 30) / 1e6, 14); // Aura-2, per character
  });

  test('wav and opus map to Deepgram encodings and containers', async () => {
    const wav = await client.audio.speech.create({ model: 'dg/aura-2-thalia-en', voice: 'alloy', input: 'x', response_format: 'wav' });
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    expect(dg.requests.at(-1)!.query).toEqual({ model: 'aura-2-thalia-en', encoding: 'linear16', container: 'wav' });
    await client.audio.speech.create({ model: 'dg/aura-2-thalia-en', voice: 'alloy', input: 'x', response_format: 'opus' });
    expect(dg.requests.at(-1)!.query).toEqual({ model: 'aura-2-thalia-en', encoding: 'opus', container: 'ogg' });
  });
});
