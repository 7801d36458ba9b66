import { describe, expect, test } from 'bun:test';
import type { TranscribeRequest, TranscribeResult } from '../../../core/types/operations.ts';
import { buildSubtitles, encodeTranscriptionResult } from './encode-transcription-result.ts';

const req = (responseFormat: TranscribeRequest['responseFormat'], task: TranscribeRequest['task'] = 'transcribe'): TranscribeRequest => ({
  model: 'm', task, responseFormat, file: { field: 'file', filename: 'a.wav', mediaType: 'audio/wav', size: 0, stream: () => new Response('').body! },
});

describe('encodeTranscriptionResult', () => {
  const segments = [{ id: 0, start: 0, end: 1.25, text: ' Hello.' }, { id: 1, start: 61.5, end: 3723.004, text: 'Long one.' }];

  test('srt and vtt are built from segments when the upstream sent no formatted body', async () => {
    const result: TranscribeResult = { text: 'Hello. Long one.', segments };
    expect(await encodeTranscriptionResult(result, req('srt')).text()).toBe(
      '1\n00:00:00,000 --> 00:00:01,250\nHello.\n\n2\n00:01:01,500 --> 01:02:03,004\nLong one.\n\n',
    );
    expect(await encodeTranscriptionResult(result, req('vtt')).text()).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.250\nHello.\n\n00:01:01.500 --> 01:02:03.004\nLong one.\n\n',
    );
  });

  test('a formatted body of the right kind is sent unchanged; a wrong kind is rebuilt', async () => {
    const srt = '1\n00:00:00,000 --> 00:00:02,000\nhi\n\n';
    expect(await encodeTranscriptionResult({ text: 'hi', formatted: srt }, req('srt')).text()).toBe(srt);
    const vtt = await encodeTranscriptionResult({ text: 'hi', formatted: srt, duration: 2 }, req('vtt')).text();
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nhi\n\n');
  });

  test('json keeps upstream fields and builds usage from the hub when there is no wire usage', async () => {
    const res = encodeTranscriptionResult({ text: 'x', usage: { inputTokens: 3, outputTokens: 4 }, extra: { logprobs: [] } }, req('json'));
    expect(await res.json()).toEqual({ text: 'x', logprobs: [], usage: { type: 'tokens', input_tokens: 3, output_tokens: 4, total_tokens: 7 } });
  });

  test('verbose_json carries the task, and text ends with a newline', async () => {
    const v = await encodeTranscriptionResult({ text: 'bonjour', language: 'french', duration: 1.5, segments }, req('verbose_json', 'translate')).json();
    expect(v).toMatchObject({ task: 'translate', language: 'french', duration: 1.5, text: 'bonjour', segments });
    const t = encodeTranscriptionResult({ text: 'plain' }, req('text'));
    expect(t.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await t.text()).toBe('plain\n');
  });

  test('buildSubtitles without segments makes one cue', () => {
    expect(buildSubtitles([{ start: 0, end: 0, text: 'all' }], 'srt')).toBe('1\n00:00:00,000 --> 00:00:00,000\nall\n\n');
  });
});
