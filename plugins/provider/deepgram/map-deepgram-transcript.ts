import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { TranscribeResult, TranscriptSegment, TranscriptWord } from '../../../core/types/operations.ts';

type Json = Record<string, unknown>;
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/**
 * A pre-recorded `/v1/listen` reply → hub transcript: the first channel's best alternative
 * (`results.channels[0].alternatives[0]`: `transcript`, `words[]` with `punctuated_word`), its
 * detected language, `metadata.duration` (seconds), and `results.utterances` (asked for with
 * `utterances=true`) as segments, from which the audio endpoint builds `srt`/`vtt`. Deepgram
 * bills audio time, not tokens: no usage; per-minute prices apply to the `duration`.
 *
 * @see https://developers.deepgram.com/reference/speech-to-text/listen-pre-recorded
 */
export function mapDeepgramTranscript(json: unknown): TranscribeResult {
  const results = obj(obj(json)?.results);
  const channel = obj(Array.isArray(results?.channels) ? results.channels[0] : undefined);
  const best = obj(Array.isArray(channel?.alternatives) ? channel.alternatives[0] : undefined);
  if (!best || typeof best.transcript !== 'string') {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', 'The Deepgram upstream sent no transcript.', { retryable: true });
  }
  const out: TranscribeResult = { text: best.transcript };
  const language = channel?.detected_language ?? (Array.isArray(best.languages) ? best.languages[0] : undefined);
  if (typeof language === 'string') out.language = language;
  const duration = num(obj(obj(json)?.metadata)?.duration);
  if (duration !== undefined) out.duration = duration;
  if (Array.isArray(best.words)) {
    out.words = best.words.flatMap((w): TranscriptWord[] => {
      const o = obj(w);
      const word = o?.punctuated_word ?? o?.word;
      const start = num(o?.start);
      const end = num(o?.end);
      return typeof word === 'string' && start !== undefined && end !== undefined ? [{ word, start, end }] : [];
    });
  }
  if (Array.isArray(results?.utterances)) {
    out.segments = results.utterances.flatMap((u, id): TranscriptSegment[] => {
      const o = obj(u);
      const start = num(o?.start);
      const end = num(o?.end);
      return typeof o?.transcript === 'string' && start !== undefined && end !== undefined ? [{ id, start, end, text: o.transcript }] : [];
    });
  }
  return out;
}
