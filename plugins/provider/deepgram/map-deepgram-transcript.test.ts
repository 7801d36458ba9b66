import { describe, expect, test } from 'bun:test';
import { deepgramTranscript } from '../../../tests/helpers/mock-deepgram.ts';
import { mapDeepgramTranscript } from './map-deepgram-transcript.ts';

describe('mapDeepgramTranscript', () => {
  test('the first channel\'s best alternative, punctuated words, utterances as segments', () => {
    const r = mapDeepgramTranscript(deepgramTranscript(['One,', 'two', 'three.'], 'de'));
    expect(r).toEqual({
      text: 'One, two three.', language: 'de', duration: 1.5,
      words: [{ word: 'One,', start: 0, end: 0.4 }, { word: 'two', start: 0.5, end: 0.9 }, { word: 'three.', start: 1, end: 1.4 }],
      segments: [{ id: 0, start: 0, end: 0.9, text: 'One, two' }, { id: 1, start: 1, end: 1.4, text: 'three.' }],
    });
  });

  test('a reply without utterances or words gives the text alone; no transcript is a retryable protocol error', () => {
    expect(mapDeepgramTranscript({ results: { channels: [{ alternatives: [{ transcript: '' }] }] } })).toEqual({ text: '' });
    expect(() => mapDeepgramTranscript({ results: { channels: [] } })).toThrow(expect.objectContaining({ code: 'GW_UPSTREAM_PROTOCOL', retryable: true }));
    expect(() => mapDeepgramTranscript('nope')).toThrow('no transcript');
  });
});
