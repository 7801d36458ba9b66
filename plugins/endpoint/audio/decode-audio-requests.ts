import * as v from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { GatewayRequest } from '../../../core/plugin/types.ts';
import type { SpeechRequest, TranscribeRequest } from '../../../core/types/operations.ts';
import type { MultipartBody } from '../../../core/util/multipart.ts';
import { SpeechRequestSchema, TranscriptionFieldsSchema } from './audio-request-schemas.ts';
import { openAIValidationError as validationError } from '../../../core/errors/openai-error.ts';

const TRANSCRIBE_KNOWN = new Set(['model', 'response_format', 'language', 'prompt', 'temperature', 'timestamp_granularities[]', 'stream', 'file']);

/** Multipart text fields as a record: one value per name, a list for repeated or `[]` names. */
export function fieldRecord(form: MultipartBody): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { name, value } of form.fields) {
    const prev = out[name];
    if (name.endsWith('[]')) out[name] = [...((prev as string[] | undefined) ?? []), value];
    else out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

/**
 * A spooled transcription / translation upload → the `transcribe` operation. The audio is the
 * `file` part; fields the hub has no name for are forwarded as `extra` (`include[]` as a list).
 *
 * Errors: 400 GW_BAD_REQUEST (missing file or model, bad field) with the field in `param`.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createTranscription
 */
export function decodeTranscriptionRequest(form: MultipartBody, task: 'transcribe' | 'translate'): GatewayRequest<'transcribe'> {
  const record = fieldRecord(form);
  const parsed = v.safeParse(TranscriptionFieldsSchema, record, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const file = form.files.find((f) => f.field === 'file');
  if (!file) throw new GatewayError('GW_BAD_REQUEST', "Missing required parameter: 'file'.", { status: 400, param: 'file' });
  const f = parsed.output;
  const req: TranscribeRequest = { model: f.model, file, task, responseFormat: f.response_format ?? 'json' };
  if (f.language !== undefined) req.language = f.language;
  if (f.prompt !== undefined) req.prompt = f.prompt;
  if (f.temperature !== undefined) req.temperature = f.temperature;
  if (f['timestamp_granularities[]']) req.timestampGranularities = f['timestamp_granularities[]'];
  const extra: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(record)) if (!TRANSCRIBE_KNOWN.has(k)) extra[k.replace(/\[\]$/, '')] = value;
  if (Object.keys(extra).length > 0) req.extra = extra;
  return { operation: 'transcribe', model: f.model, stream: false, body: req };
}

const SPEECH_KNOWN = new Set(['model', 'input', 'voice', 'response_format', 'speed', 'instructions']);

/**
 * A speech body → the `speech` operation. A voice object `{id}` becomes its id.
 *
 * Errors: 400 GW_BAD_REQUEST with the field in `param`.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createSpeech
 */
export function decodeSpeechRequest(body: unknown): GatewayRequest<'speech'> {
  const parsed = v.safeParse(SpeechRequestSchema, body, { abortEarly: true });
  if (!parsed.success) throw validationError(parsed.issues);
  const b = parsed.output;
  const req: SpeechRequest = { model: b.model, input: b.input, voice: typeof b.voice === 'string' ? b.voice : b.voice.id };
  if (b.response_format !== undefined) req.responseFormat = b.response_format;
  if (b.speed !== undefined) req.speed = b.speed;
  if (b.instructions !== undefined) req.instructions = b.instructions;
  const extra: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(b)) if (!SPEECH_KNOWN.has(k) && value !== undefined) extra[k] = value;
  if (Object.keys(extra).length > 0) req.extra = extra;
  return { operation: 'speech', model: b.model, stream: false, body: req };
}
