import { describe, expect, test } from 'bun:test';
import type { UploadedFile } from '../../../core/types/operations.ts';
import { buildMultipartStream } from './build-multipart-stream.ts';
import { lastCueEnd, mapOpenAITranscription, subtitleText } from './openai-audio.ts';
import { mapOpenAIEmbeddings } from './openai-embed.ts';
import { mapRerankReply } from './openai-rerank.ts';
import { mapOperationUsage } from './post-openai-operation.ts';

describe('mapOpenAIEmbeddings', () => {
  test('puts entries in index order and decodes base64 float32 vectors', () => {
    const f32 = new Float32Array([0.5, -1.25, 3]);
    const b64 = Buffer.from(f32.buffer).toString('base64');
    const r = mapOpenAIEmbeddings({
      object: 'list', model: 'm-up',
      data: [{ index: 1, embedding: b64 }, { index: 0, embedding: [1, 2, 3] }],
      usage: { prompt_tokens: 5, total_tokens: 5 }, system_fingerprint: 'x',
    }, 'm', 2);
    expect(r.embeddings).toEqual([[1, 2, 3], [0.5, -1.25, 3]]);
    expect(r.model).toBe('m-up');
    expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 0 });
    expect(r.extra).toEqual({ usage: { prompt_tokens: 5, total_tokens: 5 }, system_fingerprint: 'x' });
  });

  test('a reply with fewer vectors than inputs is a retryable protocol error', () => {
    let err: unknown;
    try {
      mapOpenAIEmbeddings({ data: [{ index: 0, embedding: [1] }] }, 'm', 2);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'GW_UPSTREAM_PROTOCOL', retryable: true });
  });
});

describe('mapRerankReply and usage', () => {
  test('Voyage replies (`data`, total_tokens) are read, best first', () => {
    const r = mapRerankReply({ object: 'list', data: [{ index: 0, relevance_score: 0.2 }, { index: 1, relevance_score: 0.7, document: 'b' }], model: 'rerank-2.5', usage: { total_tokens: 9 } });
    expect(r.results).toEqual([{ index: 1, relevanceScore: 0.7, document: 'b' }, { index: 0, relevanceScore: 0.2 }]);
    expect(r).toMatchObject({ model: 'rerank-2.5', shape: 'jina', usage: { inputTokens: 9, outputTokens: 0 } });
  });

  test('usage shapes', () => {
    expect(mapOperationUsage({ input_tokens: 3, output_tokens: 4, total_tokens: 7 })).toEqual({ inputTokens: 3, outputTokens: 4 });
    expect(mapOperationUsage({ type: 'duration', seconds: 3 })).toBeUndefined();
    expect(mapOperationUsage(undefined)).toBeUndefined();
  });

  test('subtitleText keeps only the spoken lines', () => {
    expect(subtitleText('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n\n00:00:01.000 --> 00:00:02.000\nworld\n')).toBe('Hello world');
    expect(subtitleText('1\n00:00:00,000 --> 00:00:01,000\nHi there\n\n')).toBe('Hi there');
  });

  test('the length of the audio: verbose_json duration, Whisper usage seconds, the last subtitle cue', () => {
    expect(mapOpenAITranscription({ text: 'x', duration: 2.5, usage: { type: 'duration', seconds: 3 } }).duration).toBe(2.5);
    const whisper = mapOpenAITranscription({ text: 'x', usage: { type: 'duration', seconds: 3 } });
    expect(whisper.duration).toBe(3);
    expect(whisper.usage).toBeUndefined();
    expect(whisper.extra).toEqual({ usage: { type: 'duration', seconds: 3 } }); // passed on to the client
    expect(mapOpenAITranscription({ text: 'x', usage: { type: 'tokens', input_tokens: 14, output_tokens: 45, total_tokens: 59 } }).duration).toBeUndefined();
    expect(lastCueEnd('1\n00:00:00,000 --> 00:00:02,500\nHi\n\n2\n00:00:02,500 --> 01:02:03,040\nthere\n')).toBe(3723.04);
    expect(lastCueEnd('WEBVTT\n\n00:01.000 --> 00:04.5\nHello\n')).toBe(4.5);
    expect(lastCueEnd('just text')).toBeUndefined();
  });
});

describe('buildMultipartStream', () => {
  test('its declared length is exact and Bun parses it back', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => i & 0xff);
    const file: UploadedFile = { field: 'file', filename: 'a "q".wav', mediaType: 'audio/wav', size: bytes.length, stream: () => new Blob([bytes]).stream() };
    const form = buildMultipartStream([{ name: 'model', value: 'whisper-1' }, { name: 'include[]', value: 'logprobs' }], [file]);
    const raw = new Uint8Array(await new Response(form.body).arrayBuffer());
    expect(raw.length).toBe(form.length);
    const parsed = await new Request('http://x/', { method: 'POST', body: raw, headers: { 'content-type': form.contentType } }).formData();
    expect(parsed.get('model')).toBe('whisper-1');
    expect(parsed.getAll('include[]')).toEqual(['logprobs']);
    const f = parsed.get('file') as File;
    expect(f.name).toBe('a %22q%22.wav');
    expect(Buffer.compare(new Uint8Array(await f.arrayBuffer()), bytes)).toBe(0);
  });
});
