import * as v from 'valibot';
import { join } from 'node:path';
import type { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest, HttpInput, Plugin, Translator } from '../../../core/plugin/types.ts';
import type { SpeechResult, TranscribeRequest, TranscribeResult } from '../../../core/types/operations.ts';
import { decodeSpeechRequest, decodeTranscriptionRequest } from './decode-audio-requests.ts';
import { encodeTranscriptionResult } from './encode-transcription-result.ts';
import { encodeOpenAIError } from '../../../core/errors/openai-error.ts';
import { createUploadSpool, type UploadSpool } from '../../../core/util/upload-spool.ts';

const ConfigSchema = v.object({
  /** Largest audio upload in MB; a declared larger body is refused with 413 before it is read. */
  max_upload_mb: v.optional(v.pipe(v.number(), v.minValue(0.001)), 50),
  /** Where uploads are spooled while a request runs (default `<data-dir>/uploads`). */
  spool_dir: v.optional(v.string()),
});
type AudioConfig = v.InferOutput<typeof ConfigSchema>;

/**
 * The OpenAI audio endpoints: transcriptions and translations (multipart uploads spooled to
 * disk as they arrive, size-capped, so memory stays flat and fallback can re-send the file) and
 * speech (the audio streamed back as the upstream sends it, with its content type).
 */
export function createAudioEndpoint(spool: UploadSpool, config: AudioConfig): Translator {
  const upload = { body: 'stream' as const, bodyLimitMb: config.max_upload_mb };
  return {
    dialect: 'openai-audio',
    routes: [
      { method: 'POST', path: '/v1/audio/transcriptions', summary: 'Transcribe audio (OpenAI format, multipart)', ...upload },
      { method: 'POST', path: '/v1/audio/translations', summary: 'Translate audio to English (OpenAI format, multipart)', ...upload },
      { method: 'POST', path: '/v1/audio/speech', summary: 'Text to speech (streams the audio)' },
    ],
    async decode(input: HttpInput): Promise<GatewayRequest> {
      const path = input.url.pathname;
      if (path.endsWith('/speech')) return decodeSpeechRequest(input.body);
      const form = await spool.read(input, config.max_upload_mb * 1024 * 1024);
      try {
        return decodeTranscriptionRequest(form, path.endsWith('/translations') ? 'translate' : 'transcribe');
      } catch (e) {
        spool.release(input.request);
        throw e;
      }
    },
    encodeResult(result, req, call) {
      spool.release(call.http.request);
      if (req.operation === 'speech') {
        const speech = result as SpeechResult;
        return new Response(speech.audio, { headers: { 'content-type': speech.mediaType, 'cache-control': 'no-store' } });
      }
      return encodeTranscriptionResult(result as TranscribeResult, req.body as TranscribeRequest);
    },
    encodeStream() {
      throw new Error('audio results are answered by encodeResult');
    },
    encodeError(err: GatewayError, call) {
      spool.release(call?.http?.request);
      return encodeOpenAIError(err);
    },
  };
}

/** `/v1/audio/*`. Loaded by default. */
export default {
  name: 'audio',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI audio endpoints: POST /v1/audio/transcriptions, /v1/audio/translations (multipart, streamed to disk), /v1/audio/speech (streamed audio).',
  config: ConfigSchema,
  setup(ctx) {
    const spool = createUploadSpool(ctx.config.spool_dir ?? join(ctx.host.dataDir, 'uploads'), 'audio');
    ctx.onDispose(() => spool.dispose());
    ctx.provide('endpoint', createAudioEndpoint(spool, ctx.config));
  },
} satisfies Plugin<AudioConfig>;
