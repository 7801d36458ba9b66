/**
 * A fake api.deepgram.com: `POST /v1/listen` (pre-recorded speech to text; the audio is the raw
 * request body) and `POST /v1/speak` (Aura text to speech; `{"text": …}` in, audio bytes out).
 * It requires `Authorization: Token <key>`, answers errors in Deepgram's envelope
 * (`err_code`, `err_msg`, `request_id`) and records every request. `fail` makes the next call
 * answer that status.
 */
import { createHash } from 'node:crypto';

export interface DeepgramRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Listen: size and SHA-256 of the audio received; speak: the JSON body. */
  audio?: { size: number; sha256: string };
  body?: Record<string, unknown>;
}

export interface MockDeepgram {
  url: string;
  requests: DeepgramRequest[];
  /** The next call answers this status (with Deepgram's error envelope), then it is cleared. */
  fail: number | undefined;
  stop(): Promise<void>;
}

/** The listen reply for `words` spoken one per 0.5 s, in two utterances. */
export function deepgramTranscript(words: string[], language?: string) {
  const w = words.map((word, i) => ({
    word: word.toLowerCase().replace(/[.,!?]/g, ''), start: i * 0.5, end: i * 0.5 + 0.4, confidence: 0.98, punctuated_word: word,
  }));
  const half = Math.ceil(w.length / 2);
  const utterance = (part: typeof w, id: string) => ({
    start: part[0]!.start, end: part.at(-1)!.end, confidence: 0.97, channel: 0,
    transcript: part.map((x) => x.punctuated_word).join(' '), words: part, id,
  });
  return {
    metadata: {
      transaction_key: 'deprecated', request_id: '0ab1c2d3-0000-4000-8000-000000000001', sha256: 'x', created: '2026-11-26T09:00:00.000Z',
      duration: w.length * 0.5, channels: 1, models: ['1abfe86b-e047-4eed-858a-35e5625b41ee'],
    },
    results: {
      channels: [{
        ...(language ? { detected_language: language, language_confidence: 0.99 } : {}),
        alternatives: [{ transcript: words.join(' '), confidence: 0.98, words: w }],
      }],
      utterances: [w.slice(0, half), w.slice(half)].filter((part) => part.length > 0).map((part, i) => utterance(part, `u-${i + 1}`)),
    },
  };
}

/** Bytes the speak endpoint answers for a text (deterministic, audio-looking). */
export function deepgramSpeechBytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length: 4096 + text.length }, (_, i) => (i * 31 + text.length) & 0xff);
}

export async function startMockDeepgram(opts: { key: string; words: string[] }): Promise<MockDeepgram> {
  const state: MockDeepgram = { url: '', requests: [], fail: undefined, stop: async () => {} };
  const error = (status: number, code: string, msg: string) =>
    Response.json({ err_code: code, err_msg: msg, request_id: 'e-1' }, { status });
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const rec: DeepgramRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), headers: Object.fromEntries(req.headers) };
      state.requests.push(rec);
      if (req.headers.get('authorization') !== `Token ${opts.key}`) return error(401, 'INVALID_AUTH', 'Invalid credentials.');
      if (state.fail) {
        const status = state.fail;
        state.fail = undefined;
        return error(status, status === 429 ? 'TOO_MANY_REQUESTS' : 'INTERNAL_SERVER_ERROR', 'Simulated failure.');
      }
      if (req.method === 'POST' && url.pathname === '/v1/listen') {
        const bytes = new Uint8Array(await req.arrayBuffer());
        rec.audio = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        if (bytes.length === 0) return error(400, 'Bad Request', 'Bad Request: failed to process audio: corrupt or unsupported data');
        return Response.json(deepgramTranscript(opts.words, url.searchParams.get('language') ? undefined : 'en'));
      }
      if (req.method === 'POST' && url.pathname === '/v1/speak') {
        const body = (await req.json()) as { text?: unknown };
        rec.body = body as Record<string, unknown>;
        if (typeof body.text !== 'string') return error(400, 'INVALID_INPUT', 'text is required');
        const type = url.searchParams.get('encoding') === 'opus' ? 'audio/ogg' : url.searchParams.get('container') === 'wav' ? 'audio/wav' : 'audio/mpeg';
        return new Response(deepgramSpeechBytes(body.text) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } });
      }
      return error(404, 'NOT_FOUND', 'Not found.');
    },
  });
  state.url = `http://127.0.0.1:${server.port}`;
  state.stop = async () => void (await server.stop(true));
  return state;
}
