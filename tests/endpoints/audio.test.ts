import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { mockSpeechBytes, startMockMedia, type MockMedia } from '../helpers/mock-media-upstream.ts';
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
  a:
    type: openai
    base_url: "${a.url}"
    keys: [sk-a-1234567]
    allow_private_network: true
    pricing: { whisper-1: { per_minute: 0.006 }, tts-1: { per_1m_characters: 15 } }
  groq: { type: openai, base_url: "${a.url}", keys: [gsk-1234567], allow_private_network: true, pricing: { whisper-large-v3: { per_minute: 0.00185 } } }
  b: { type: openai, base_url: "${b.url}", keys: [sk-b-1234567], allow_private_network: true, pricing: { gpt-4o-transcribe: { input: 6, output: 10 } } }
combos:
  ears: { models: [a/gpt-4o-transcribe, b/gpt-4o-transcribe] }
plugins:
  - idempotency: {}
  - audio: { upload_idle_ms: 300 }
`);
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t?.stop();
  await a?.stop();
  await b?.stop();
});

const audio = Uint8Array.from({ length: 120_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
const audioSha = createHash('sha256').update(audio).digest('hex');
const file = () => toFile(audio, 'meeting.mp3', { type: 'audio/mpeg' });

describe('POST /v1/audio/transcriptions with the openai SDK', () => {
  test('json: the file is uploaded unchanged and the transcript equals the upstream reply', async () => {
    const res = await client.audio.transcriptions.create({ model: 'a/gpt-4o-transcribe', file: await file(), language: 'en', prompt: 'meeting notes' });
    const sent = a.requests.at(-1)!;
    expect(sent.path).toBe('/v1/audio/transcriptions');
    expect(sent.headers.authorization).toBe('Bearer sk-a-1234567');
    expect(sent.form!.fields).toMatchObject({ model: ['gpt-4o-transcribe'], language: ['en'], prompt: ['meeting notes'], response_format: ['json'] });
    expect(sent.form!.files).toEqual([{ field: 'file', filename: 'meeting.mp3', mediaType: 'audio/mpeg', size: audio.length, sha256: audioSha }]);
    expect(res).toEqual(sent.reply as typeof res);
  });

  test('an idempotency key on two different uploads: each is transcribed (uploads are never deduplicated)', async () => {
    const before = a.requests.length;
    const other = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff);
    const opts = { headers: { 'idempotency-key': 'same-key-1' } };
    await client.audio.transcriptions.create({ model: 'a/gpt-4o-transcribe', file: await file() }, opts);
    const second = await client.audio.transcriptions.create({ model: 'a/gpt-4o-transcribe', file: await toFile(other, 'other.mp3', { type: 'audio/mpeg' }) }, opts).withResponse();
    expect(a.requests.length - before).toBe(2);
    expect(second.response.headers.get('idempotent-replayed')).toBeNull();
    expect(a.requests.at(-1)!.form!.files[0]!.size).toBe(5000);
  });

  test('srt and vtt come back byte for byte as plain text; text is the transcript of a JSON reply', async () => {
    for (const format of ['srt', 'vtt'] as const) {
      const r = await t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form({ model: 'a/whisper-1', response_format: format }) });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toStartWith('text/plain');
      expect(await r.text()).toBe(a.requests.at(-1)!.reply as string);
    }
    const text = await t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form({ model: 'a/whisper-1', response_format: 'text' }) });
    expect(text.headers.get('content-type')).toStartWith('text/plain');
    const sent = a.requests.at(-1)!;
    // whisper-1 is priced per minute: asked as verbose_json, whose duration is billed.
    expect(sent.form!.fields.response_format).toEqual(['verbose_json']);
    expect(await text.text()).toBe(`${(sent.reply as { text: string }).text}\n`);
    await t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form({ model: 'a/gpt-4o-transcribe', response_format: 'text' }) });
    // A token-priced model: asked as json, whose usage carries the tokens.
    expect(a.requests.at(-1)!.form!.fields.response_format).toEqual(['json']);
    const srt = await client.audio.transcriptions.create({ model: 'a/whisper-1', file: await file(), response_format: 'srt' });
    expect(srt).toContain('00:00:00,000 --> 00:00:02,500');
  });

  test('srt and vtt from an upstream that answers only JSON are built from its segments', async () => {
    const fetchAs = async (model: string, format: string) => {
      const r = await t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form({ model, response_format: format }) });
      expect(r.headers.get('content-type')).toStartWith('text/plain');
      return { body: await r.text(), text: (a.requests.at(-1)!.reply as { text: string }).text };
    };
    const srt = await fetchAs('a/json-only-segments', 'srt');
    expect(srt.body).toBe(`1\n00:00:00,000 --> 00:00:01,500\n${srt.text}\n\n2\n00:00:01,500 --> 00:00:02,500\nThe end.\n\n`);
    const vtt = await fetchAs('a/json-only-segments', 'vtt');
    expect(vtt.body).toBe(`WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n${vtt.text}\n\n00:00:01.500 --> 00:00:02.500\nThe end.\n\n`);
    // No segments: the whole transcript is one cue; never the JSON text.
    const one = await fetchAs('a/json-only', 'srt');
    expect(one.body).toBe(`1\n00:00:00,000 --> 00:00:00,000\n${one.text}\n\n`);
    const text = await fetchAs('a/json-only', 'text');
    expect(text.body).toBe(`${text.text}\n`);
  });

  test('diarized_json is asked upstream as it is and comes back with its speakers', async () => {
    const res = await client.audio.transcriptions.create({
      model: 'a/gpt-4o-transcribe-diarize', file: await file(), response_format: 'diarized_json', chunking_strategy: 'auto', known_speaker_names: ['agent', 'caller'],
    });
    const sent = a.requests.at(-1)!;
    expect(sent.form!.fields).toMatchObject({ response_format: ['diarized_json'], chunking_strategy: ['auto'], 'known_speaker_names[]': ['agent', 'caller'] });
    expect(res).toEqual(sent.reply as typeof res);
    expect((res as unknown as { segments: Array<{ speaker: string }> }).segments.map((s) => s.speaker)).toEqual(['agent', 'caller']);
  });

  test('verbose_json with timestamp granularities', async () => {
    const res = await client.audio.transcriptions.create({
      model: 'a/whisper-1', file: await file(), response_format: 'verbose_json', timestamp_granularities: ['segment', 'word'],
    });
    const sent = a.requests.at(-1)!;
    expect(sent.form!.fields['timestamp_granularities[]']).toEqual(['segment', 'word']);
    expect(res).toEqual(sent.reply as typeof res);
    expect(res.segments?.[0].end).toBe(2.5);
  });

  test('translations go to /audio/translations', async () => {
    const res = await client.audio.translations.create({ model: 'a/whisper-1', file: await file() });
    expect(a.requests.at(-1)!.path).toBe('/v1/audio/translations');
    expect(res.text).toStartWith('Translated meeting.mp3');
  });

  test('fallback 500 → second re-sends the whole file; the usage row has tokens and cost', async () => {
    a.script([{ status: 500 }]);
    const res = await client.audio.transcriptions.create({ model: 'ears', file: await file() });
    expect(a.requests.at(-1)!.form!.files[0].sha256).toBe(audioSha);
    expect(b.requests.at(-1)!.form!.files[0].sha256).toBe(audioSha);
    expect(res).toEqual(b.requests.at(-1)!.reply as typeof res);
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0];
    expect(row).toMatchObject({ operation: 'transcribe', provider: 'b', attempts: 2, status: 'ok', inputTokens: 14, outputTokens: 45, estimated: false });
    expect(row.costUsd).toBeCloseTo((14 * 6 + 45 * 10) / 1e6, 12);
  });

  test('a model priced per minute is billed for the seconds of audio the upstream reports', async () => {
    const lastRow = () => {
      t.gw.usage.flush();
      return t.gw.usage.recent(1)[0]!;
    };
    // json and text: asked upstream as verbose_json; the client gets what it asked for, and
    // the row is billed for the verbose reply's duration (2.5 s).
    const json = await client.audio.transcriptions.create({ model: 'a/whisper-1', file: await file() });
    expect(a.requests.at(-1)!.form!.fields.response_format).toEqual(['verbose_json']);
    expect(json).toEqual({ text: (a.requests.at(-1)!.reply as { text: string }).text, usage: { type: 'duration', seconds: 3 } } as typeof json);
    expect(lastRow()).toMatchObject({ operation: 'transcribe', provider: 'a', inputTokens: 0, outputTokens: 0, estimated: false });
    expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.006, 12);
    expect(await client.audio.transcriptions.create({ model: 'a/whisper-1', file: await file(), response_format: 'text' })).toEndWith('\n');
    expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.006, 12);
    // verbose_json: its `duration` (2.5 s); srt: the end of the last cue (00:00:02,500).
    for (const format of ['verbose_json', 'srt', 'vtt'] as const) {
      await client.audio.transcriptions.create({ model: 'a/whisper-1', file: await file(), response_format: format });
      expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.006, 12);
    }
    // Token-priced models are unaffected (the fallback test above), unpriced ones cost nothing.
    await client.audio.transcriptions.create({ model: 'b/whisper-1', file: await file() });
    expect(lastRow()).toMatchObject({ provider: 'b', costUsd: 0 });
  });

  test('translations and Groq json/text (no length in a json reply) are billed per minute', async () => {
    const lastRow = () => {
      t.gw.usage.flush();
      return t.gw.usage.recent(1)[0]!;
    };
    const translation = await client.audio.translations.create({ model: 'a/whisper-1', file: await file() });
    const sent = a.requests.at(-1)!;
    expect(sent.path).toBe('/v1/audio/translations');
    expect(sent.form!.fields.response_format).toEqual(['verbose_json']);
    expect(translation).toEqual({ text: (sent.reply as { text: string }).text, usage: { type: 'duration', seconds: 3 } } as typeof translation);
    expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.006, 12);

    const groqJson = await client.audio.transcriptions.create({ model: 'groq/whisper-large-v3', file: await file() });
    expect(groqJson).toEqual({ text: (a.requests.at(-1)!.reply as { text: string }).text, x_groq: { id: 'req_01mock' } } as typeof groqJson);
    expect(lastRow()).toMatchObject({ provider: 'groq', estimated: false });
    expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.00185, 8);
    const groqText = await t.fetch('/v1/audio/translations', { method: 'POST', body: form({ model: 'groq/whisper-large-v3', response_format: 'text' }) });
    expect(await groqText.text()).toBe(`${(a.requests.at(-1)!.reply as { text: string }).text}\n`);
    expect(lastRow().costUsd).toBeCloseTo((2.5 / 60) * 0.00185, 8);
  });

  test('a per-minute model that refuses verbose_json is asked again in the client\'s format', async () => {
    a.script([{ status: 400, body: { error: { message: "response_format 'verbose_json' is not compatible with model 'whisper-1'. Use 'json' or 'text' instead.", type: 'invalid_request_error', param: 'response_format', code: 'unsupported_value' } } }]);
    const before = a.requests.length;
    const res = await client.audio.transcriptions.create({ model: 'a/whisper-1', file: await file() });
    expect(a.requests.slice(before).map((r) => r.form!.fields.response_format)).toEqual([['verbose_json'], ['json']]);
    expect(res.text).toStartWith('Transcribed meeting.mp3');
  });

  test('missing file, bad format and streaming are 400s naming the field', async () => {
    const cases: Array<[Record<string, string>, boolean, string]> = [
      [{ model: 'a/whisper-1' }, false, 'file'],
      [{ model: 'a/whisper-1', response_format: 'mp3' }, true, 'response_format'],
      [{ model: 'a/whisper-1', stream: 'true' }, true, 'stream'],
      [{ response_format: 'json' }, true, 'model'],
    ];
    const before = a.requests.length;
    for (const [fields, withFile, param] of cases) {
      const r = await t.fetch('/v1/audio/transcriptions', { method: 'POST', body: form(fields, withFile) });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    expect(a.requests.length).toBe(before);
  });

  test('a client that goes away mid-upload leaves no spooled file and reaches no upstream', async () => {
    const before = a.requests.length;
    const ctl = new AbortController();
    const boundary = 'cut-off';
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (sent === 0) c.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n\r\n`));
        if (sent >= 2 * 1024 * 1024) return new Promise(() => undefined); // stall: the client never finishes
        sent += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const spoolDir = readdirSync(join(t.dataDir, 'uploads')).filter((d) => d.startsWith('audio-')).map((d) => join(t.dataDir, 'uploads', d))[0]!;
    // Files of earlier requests may still be on their way out (they are deleted asynchronously).
    const earlier = new Set(readdirSync(spoolDir));
    const spooled = () => readdirSync(spoolDir).filter((f) => !earlier.has(f));
    const pending = t.fetch('/v1/audio/transcriptions', {
      method: 'POST', body, signal: ctl.signal, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    }).catch(() => undefined);
    const until = Date.now() + 2000;
    while (Date.now() < until && spooled().length === 0) await Bun.sleep(10);
    expect(spooled().length).toBe(1);
    ctl.abort();
    await pending;
    const gone = Date.now() + 2000;
    while (Date.now() < gone && spooled().length > 0) await Bun.sleep(10);
    expect(spooled()).toEqual([]);
    expect(a.requests.length).toBe(before);
  });

  test('an upload that stalls after its headers gets 408 once upload_idle_ms passed, and reaches no upstream', async () => {
    const before = a.requests.length;
    const boundary = 'stalled';
    let first = true;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!first) return new Promise<void>(() => undefined); // the client never sends more
        first = false;
        c.enqueue(new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.wav"\r\n\r\nRIFF`));
      },
    });
    const at = Date.now();
    const r = await t.fetch('/v1/audio/transcriptions', { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(r.status).toBe(408);
    expect(((await r.json()) as { error: { message: string } }).error.message).toBe('The upload stalled: no data for 300 ms.');
    expect(Date.now() - at).toBeLessThan(3000);
    expect(a.requests.length).toBe(before);
  });

  test('a JSON body is refused with 400', async () => {
    const r = await t.fetch('/v1/audio/transcriptions', { method: 'POST', json: { model: 'a/whisper-1' } });
    expect(r.status).toBe(400);
  });
});

describe('POST /v1/audio/speech', () => {
  test('the SDK receives the upstream audio bytes with their content type', async () => {
    const res = await client.audio.speech.create({ model: 'a/gpt-4o-mini-tts', voice: 'alloy', input: 'Hello there, general listener.', response_format: 'wav' });
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.compare(bytes, mockSpeechBytes('Hello there, general listener.'))).toBe(0);
    expect(a.requests.at(-1)!.json).toEqual({ model: 'gpt-4o-mini-tts', input: 'Hello there, general listener.', voice: 'alloy', response_format: 'wav' });
  });

  test('the audio is streamed: the first bytes arrive before the upstream has finished', async () => {
    const res = await t.fetch('/v1/audio/speech', { method: 'POST', json: { model: 'a/tts-1', voice: 'nova', input: 'stream me' } });
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The mock sends 16 KB chunks with a pause between them: the first read is one chunk, not all.
    expect(first.value!.length).toBeLessThan(mockSpeechBytes('stream me').length);
    let total = first.value!.length;
    for (let r = await reader.read(); !r.done; r = await reader.read()) total += r.value.length;
    expect(total).toBe(mockSpeechBytes('stream me').length);
  });

  test('a client that hangs up mid-audio closes the upstream stream', async () => {
    const ctl = new AbortController();
    const res = await t.fetch('/v1/audio/speech', { method: 'POST', json: { model: 'a/tts-1', voice: 'nova', input: 'long speech, cancel me' }, signal: ctl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ctl.abort();
    const rec = a.requests.at(-1)!;
    const until = Date.now() + 2000;
    while (!rec.aborted && Date.now() < until) await Bun.sleep(10);
    expect(rec.aborted).toBe(true);
  });

  test('a model priced per character is billed for the characters of the input', async () => {
    const input = 'Grüße, 世界! 👋'; // 12 characters, 13 UTF-16 units
    const res = await client.audio.speech.create({ model: 'a/tts-1', voice: 'alloy', input });
    await res.arrayBuffer();
    t.gw.usage.flush();
    const row = t.gw.usage.recent(1)[0]!;
    expect(row).toMatchObject({ operation: 'speech', provider: 'a', inputTokens: 0, outputTokens: 0, estimated: false });
    expect(row.costUsd).toBeCloseTo((12 * 15) / 1e6, 14);
  });

  test('invalid speech bodies are 400s', async () => {
    const r = await t.fetch('/v1/audio/speech', { method: 'POST', json: { model: 'a/tts-1', input: 'x', voice: 'alloy', speed: 9 } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { param: string } }).error.param).toBe('speed');
  });
});

function form(fields: Record<string, string>, withFile = true): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (withFile) f.append('file', new File([audio], 'meeting.mp3', { type: 'audio/mpeg' }));
  return f;
}
