import * as v from 'valibot';

const Decimal = v.pipe(v.string(), v.decimal('expected a number'), v.transform(Number));

/**
 * The text fields of `POST /v1/audio/transcriptions` and `/translations` (multipart; the file
 * is checked apart). Unknown fields are kept and forwarded.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createTranscription
 */
export const TranscriptionFieldsSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, 'a model is required')),
  response_format: v.optional(v.picklist(['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'])),
  language: v.optional(v.pipe(v.string(), v.maxLength(16))),
  prompt: v.optional(v.string()),
  temperature: v.optional(v.pipe(Decimal, v.minValue(0), v.maxValue(1))),
  'timestamp_granularities[]': v.optional(v.array(v.picklist(['word', 'segment']))),
  stream: v.optional(v.picklist(['false'], 'streamed transcription is not supported by this gateway')),
});

/**
 * `POST /v1/audio/speech` body.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/createSpeech
 */
export const SpeechRequestSchema = v.looseObject({
  model: v.pipe(v.string(), v.minLength(1, 'a model is required')),
  input: v.pipe(v.string(), v.minLength(1, 'the input text must not be empty'), v.maxLength(4096)),
  voice: v.union([v.pipe(v.string(), v.minLength(1)), v.object({ id: v.string() })], 'expected a voice name or {id}'),
  response_format: v.optional(v.picklist(['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'])),
  speed: v.optional(v.pipe(v.number(), v.minValue(0.25), v.maxValue(4))),
  instructions: v.optional(v.string()),
});
