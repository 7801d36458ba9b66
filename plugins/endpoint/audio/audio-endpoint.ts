import type { GatewayRequest, HttpInput, Translator } from '../../../core/plugin/types.ts';
import type { SpeechResult, TranscribeRequest, TranscribeResult } from '../../../core/types/operations.ts';
import { openAIErrorReleasing, type UploadSpool } from '../../../core/util/upload-spool.ts';
import { decodeSpeechRequest, decodeTranscriptionRequest } from './decode-audio-requests.ts';
import { encodeTranscriptionResult } from './encode-transcription-result.ts';
import { audioRoutes, type AudioConfig } from './plugin.ts';

/**
 * The OpenAI audio endpoints: transcriptions and translations (multipart uploads spooled to
 * disk as they arrive, size-capped, so memory stays flat and fallback can re-send the file) and
 * speech (the audio streamed back as the upstream sends it, with its content type).
 */
export function createAudioEndpoint(spool: UploadSpool, config: AudioConfig): Translator {
  return {
    dialect: 'openai-audio',
    routes: audioRoutes(config),
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
    encodeError: openAIErrorReleasing(spool),
  };
}
