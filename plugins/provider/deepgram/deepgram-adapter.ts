import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { SpeechRequest, SpeechResult, TranscribeRequest, TranscribeResult } from '../../../core/types/operations.ts';
import { providerHeaders } from '../../../core/util/provider-headers.ts';
import { mapDeepgramError } from './map-deepgram-error.ts';
import { mapDeepgramTranscript } from './map-deepgram-transcript.ts';
import { readReplyJson } from '../../../core/http/read-reply.ts';

export const DEFAULT_BASE_URL = 'https://api.deepgram.com';

/** OpenAI `response_format` of speech → Deepgram `encoding` / `container`, and the media type. */
const SPEECH_FORMATS: Record<string, { query: Record<string, string>; mediaType: string }> = {
  mp3: { query: { encoding: 'mp3' }, mediaType: 'audio/mpeg' },
  opus: { query: { encoding: 'opus', container: 'ogg' }, mediaType: 'audio/ogg' },
  aac: { query: { encoding: 'aac' }, mediaType: 'audio/aac' },
  flac: { query: { encoding: 'flac' }, mediaType: 'audio/flac' },
  wav: { query: { encoding: 'linear16', container: 'wav' }, mediaType: 'audio/wav' },
  pcm: { query: { encoding: 'linear16', container: 'none', sample_rate: '24000' }, mediaType: 'audio/pcm' },
};

/** Headers of a Deepgram call: the key as `Authorization: Token <key>` unless the provider names another auth. */
function headersOf(attempt: Attempt, contentType: string, accept: string): Headers {
  return providerHeaders(attempt.provider, attempt.account, { 'content-type': contentType, accept }, { header: 'authorization', scheme: 'Token' });
}

function urlOf(attempt: Attempt, path: string, query: Record<string, string | undefined>): string {
  const base = (attempt.provider.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
  return `${base}${path}?${q}`;
}

/**
 * `transcribe` with Deepgram's pre-recorded API: the upload is streamed as the request body
 * (`POST /v1/listen?model=…&smart_format=true&utterances=true`, plus `language` or
 * `detect_language=true`). Deepgram does not translate: a `translate` task is GW_UNSUPPORTED, so
 * routing tries the next target. The response format is built by the audio endpoint.
 *
 * @see https://developers.deepgram.com/reference/speech-to-text/listen-pre-recorded
 */
export async function deepgramTranscribe(req: TranscribeRequest, attempt: Attempt): Promise<TranscribeResult> {
  if (req.task === 'translate') {
    throw new GatewayError('GW_UNSUPPORTED', `Provider "${attempt.provider.name}" (Deepgram) transcribes but does not translate.`, { status: 400 });
  }
  const url = urlOf(attempt, '/v1/listen', {
    model: attempt.target.model, smart_format: 'true', utterances: 'true',
    ...(req.language ? { language: req.language } : { detect_language: 'true' }),
  });
  const headers = headersOf(attempt, req.file.mediaType || 'application/octet-stream', 'application/json');
  headers.set('content-length', String(req.file.size));
  const res = await attempt.fetch(url, { method: 'POST', headers, body: req.file.stream() });
  if (!res.ok) throw await mapDeepgramError(res);
  return mapDeepgramTranscript(await readReplyJson(res, attempt.provider.name));
}

/**
 * `speech` with Deepgram Aura (`POST /v1/speak?model=…`, `{"text": …}`): the model is the voice
 * (`aura-2-thalia-en`), so the OpenAI `voice` is not sent; `response_format` picks the encoding
 * and container. The audio is streamed on as it arrives.
 *
 * @see https://developers.deepgram.com/reference/text-to-speech/speak-request
 */
export async function deepgramSpeech(req: SpeechRequest, attempt: Attempt): Promise<SpeechResult> {
  const format = SPEECH_FORMATS[req.responseFormat ?? 'mp3'];
  if (!format) {
    throw new GatewayError('GW_UNSUPPORTED', `Deepgram cannot produce "${req.responseFormat}" audio (mp3, opus, aac, flac, wav or pcm).`, { status: 400, param: 'response_format' });
  }
  const query: Record<string, string | undefined> = { model: attempt.target.model, ...format.query };
  if (req.speed !== undefined) query.speed = String(req.speed);
  const res = await attempt.fetch(urlOf(attempt, '/v1/speak', query), {
    method: 'POST', headers: headersOf(attempt, 'application/json', '*/*'), body: JSON.stringify({ text: req.input }),
  });
  if (!res.ok) throw await mapDeepgramError(res);
  return { audio: res.body ?? new Response(new Uint8Array(0)).body!, mediaType: res.headers.get('content-type') ?? format.mediaType };
}

/** The `deepgram` adapter: speech to text and text to speech; no chat. */
export function createDeepgramAdapter(): ProviderAdapter {
  return {
    id: 'deepgram',
    operations: { transcribe: deepgramTranscribe, speech: deepgramSpeech },
    async listModels(provider) {
      return provider.models;
    },
  };
}
