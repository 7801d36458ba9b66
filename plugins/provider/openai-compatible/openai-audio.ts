import { isGatewayError } from '../../../core/errors/gateway-error.ts';
import { priceOf } from '../../../core/pipeline/usage-meter.ts';
import type { Attempt } from '../../../core/plugin/types.ts';
import type {
  SpeechRequest, SpeechResult, TranscribeRequest, TranscribeResult, TranscriptFormat, TranscriptSegment, TranscriptWord,
} from '../../../core/types/operations.ts';
import { toFormFields } from './openai-images.ts';
import { mapOperationUsage, postOpenAIJson, postOpenAIMultipart, readJsonObject, restOf, withExtra, type Json } from './post-openai-operation.ts';
import { readReplyText } from '../../../core/http/read-reply.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

/**
 * `transcribe` on an OpenAI-compatible upstream (OpenAI, Groq, whisper servers):
 * `POST <base>/audio/transcriptions` or `/audio/translations`, multipart, the audio streamed
 * from its spool. The upstream is asked for the format `upstreamTranscriptFormat` picks (so the
 * reply says what to bill); `srt` and `vtt` bodies are kept byte for byte in `formatted`, and a
 * JSON reply to them is read as JSON (the encoder renders its segments). An
 * upstream that refuses the format the gateway chose instead of the client's (a model priced
 * per minute that has no `verbose_json`) is asked again with the client's own.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createTranscription
 */
export async function openAITranscribe(req: TranscribeRequest, attempt: Attempt): Promise<TranscribeResult> {
  const chosen = upstreamTranscriptFormat(req, attempt);
  try {
    return await transcribeAs(req, attempt, chosen);
  } catch (e) {
    const own = req.responseFormat === 'text' ? 'json' : req.responseFormat;
    if (chosen === own || !refusedFormat(e)) throw e;
    return transcribeAs(req, attempt, own);
  }
}

/**
 * The format to ask the upstream for. `json` and `text` replies rarely say how long the audio
 * was (Whisper's transcription `json` does; its translations and Groq's do not), so for a model
 * priced per minute they are asked as `verbose_json`, whose `duration` is billed; the encoder
 * answers the client with only what it asked. Otherwise `text` is asked as `json`, whose usage
 * carries the tokens of token-priced models (a plain-text reply carries nothing). Other formats
 * are asked as they are.
 */
export function upstreamTranscriptFormat(req: TranscribeRequest, attempt: Attempt): TranscriptFormat {
  if (req.responseFormat !== 'json' && req.responseFormat !== 'text') return req.responseFormat;
  const price = priceOf(attempt.provider, attempt.target.model);
  if (price?.perMinute) return 'verbose_json';
  return 'json';
}

async function transcribeAs(req: TranscribeRequest, attempt: Attempt, format: TranscriptFormat): Promise<TranscribeResult> {
  const fields: Json = withExtra({ model: attempt.target.model, response_format: format }, req.extra);
  if (req.language !== undefined) fields.language = req.language;
  if (req.prompt !== undefined) fields.prompt = req.prompt;
  if (req.temperature !== undefined) fields.temperature = String(req.temperature);
  if (req.timestampGranularities) fields['timestamp_granularities[]'] = req.timestampGranularities;
  const path = req.task === 'translate' ? '/audio/translations' : '/audio/transcriptions';
  const json = format === 'json' || format === 'verbose_json' || format === 'diarized_json';
  const res = await postOpenAIMultipart(attempt, path, toFormFields(fields), [req.file], json ? 'application/json' : 'text/plain');
  if (json) return mapOpenAITranscription(await readJsonObject(res, attempt.provider.name));
  const formatted = await readReplyText(res, attempt.provider.name);
  // A server that answers JSON whatever was asked: its transcript (and segments, from which
  // the encoder builds the subtitles), never the JSON text as a cue.
  const asJson = jsonReply(res, formatted);
  if (asJson) return mapOpenAITranscription(asJson);
  const result: TranscribeResult = { text: subtitleText(formatted), formatted };
  const end = lastCueEnd(formatted);
  if (end !== undefined) result.duration = end;
  return result;
}

/** The reply as a JSON object when it is one (by content type, or a body that parses as `{…}`). */
function jsonReply(res: Response, body: string): Json | undefined {
  const type = res.headers.get('content-type') ?? '';
  if (!/\bjson\b/i.test(type) && !body.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return value && typeof value === 'object' && !Array.isArray(value) && typeof (value as Json).text === 'string' ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** A 400 naming `response_format`: the upstream (or this model) does not have that format. */
function refusedFormat(e: unknown): boolean {
  if (!isGatewayError(e) || e.status !== 400) return false;
  return e.param === 'response_format' || /response_format/.test(e.upstream?.message ?? e.message);
}

/**
 * A JSON, verbose_json or diarized_json transcription → hub result; unknown fields (`logprobs`, wire `usage`)
 * in `extra`. The audio's length comes from `duration` (verbose_json) or Whisper's usage
 * `{type:"duration", seconds}` (json): what per-minute prices are applied to.
 */
export function mapOpenAITranscription(json: Json): TranscribeResult {
  const result: TranscribeResult = { text: typeof json.text === 'string' ? json.text : '' };
  if (typeof json.language === 'string') result.language = json.language;
  const wireUsage = json.usage as Json | undefined;
  const seconds = typeof json.duration === 'number' ? json.duration : wireUsage?.type === 'duration' ? wireUsage.seconds : undefined;
  if (typeof seconds === 'number' && Number.isFinite(seconds)) result.duration = seconds;
  if (Array.isArray(json.segments)) result.segments = json.segments as TranscriptSegment[];
  if (Array.isArray(json.words)) result.words = json.words as TranscriptWord[];
  const usage = mapOperationUsage(json.usage);
  if (usage) result.usage = usage;
  // `task` (verbose_json) is the request's own, which the encoder writes back.
  const extra = restOf(json, ['text', 'task', 'language', 'duration', 'segments', 'words']);
  if (extra) result.extra = extra;
  return result;
}

/** The end of the last cue of an SRT or WebVTT body, in seconds (`00:01:02,500` → 62.5). */
export function lastCueEnd(body: string): number | undefined {
  const arrow = body.lastIndexOf('-->');
  if (arrow < 0) return undefined;
  const m = /^\s*(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})/.exec(body.slice(arrow + 3));
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]!.padEnd(3, '0')) / 1000;
}

/** The spoken text of an SRT or WebVTT body: cue lines without numbers, timings and headers. */
export function subtitleText(body: string): string {
  return body.split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !/^\d+$/.test(l.trim()) && !l.includes('-->') && !/^WEBVTT/.test(l) && !/^(NOTE|STYLE)\b/.test(l))
    .join(' ')
    .trim();
}

const AUDIO_TYPES: Readonly<Record<string, string>> = lookupTable({
  mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm',
});

/**
 * `speech` on an OpenAI-compatible upstream (`POST <base>/audio/speech`): the audio body is
 * handed on as it streams in, with the upstream's content type (or the one matching
 * `response_format`). SSE speech (`stream_format: "sse"`) passes through the same way.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createSpeech
 */
export async function openAISpeech(req: SpeechRequest, attempt: Attempt): Promise<SpeechResult> {
  const body: Json = withExtra({ model: attempt.target.model, input: req.input, voice: req.voice }, req.extra);
  if (req.responseFormat !== undefined) body.response_format = req.responseFormat;
  if (req.speed !== undefined) body.speed = req.speed;
  if (req.instructions !== undefined) body.instructions = req.instructions;
  const res = await postOpenAIJson(attempt, '/audio/speech', body, '*/*');
  const mediaType = res.headers.get('content-type') ?? AUDIO_TYPES[req.responseFormat ?? 'mp3'] ?? 'application/octet-stream';
  return { audio: res.body ?? new Response(new Uint8Array(0)).body!, mediaType };
}
