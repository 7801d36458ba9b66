/**
 * Normalized operations beyond chat: embeddings, images, transcription, speech, moderation and
 * rerank. Endpoint plugins decode their client dialect into these requests and encode these
 * results back; provider adapters implement them in `ProviderAdapter.operations`. Like the chat
 * hub, one shape per operation: N client shapes + M providers, never N×M mappers.
 *
 * Every request carries `extra`: client fields with no normalized home (Jina's `task`, Voyage's
 * `input_type`, OpenAI's `output_compression` …). A provider that speaks the same family of wire
 * formats forwards them verbatim; others ignore them. Every result may carry `extra` the same
 * way: reply fields an encoder of the same family copies back (the wire `usage` object with its
 * details, `logprobs` …), so an OpenAI client behind an OpenAI upstream gets the upstream's reply
 * unchanged. `usage` is always the hub form, for usage rows and cost.
 */
import type { ImagePart, ProviderOptions, TextPart, Usage } from './hub.ts';

/** Wire fields passed along untouched by providers (and encoders) of the same family. */
export type ExtraFields = Record<string, unknown>;

/**
 * A file the client uploaded (multipart), held so that every attempt can read it again:
 * fallback to a second provider re-sends the same bytes. Never held in memory as a whole.
 */
export interface UploadedFile {
  /** The multipart field it came in (`file`, `image[]`, `mask`). */
  field: string;
  filename: string;
  mediaType: string;
  /** Size in bytes. */
  size: number;
  /** A fresh read of the bytes from the start (one per attempt). */
  stream(): ReadableStream<Uint8Array>;
}

// ---------------------------------------------------------------------------------------------
// embed

/** One input to embed: text, or token ids (OpenAI accepts pre-tokenized input). */
export type EmbedInput = string | number[];

/** What the embedding will be used for; providers that care map it to their own names. */
export type EmbedInputType = 'query' | 'document' | 'classification' | 'clustering';

/**
 * Most inputs one embedding request may carry (OpenAI's limit). Upstreams that take fewer per
 * call get batches, so without a cap one request could fan out into thousands of calls.
 */
export const MAX_EMBED_INPUTS = 2048;

export interface EmbedRequest {
  model: string;
  /** Always a list; a single client input becomes one element. */
  input: EmbedInput[];
  /** Requested vector size (OpenAI `dimensions`, Gemini `outputDimensionality`). */
  dimensions?: number;
  /**
   * The encoding the client wants on its wire. Results are always numbers; a provider may use
   * it to pick the cheaper upstream encoding.
   */
  encoding?: 'float' | 'base64';
  inputType?: EmbedInputType;
  user?: string;
  extra?: ExtraFields;
  providerOptions?: ProviderOptions;
}

export interface EmbedResult {
  /** The model the upstream reports (or the target model). */
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  usage?: Usage;
  extra?: ExtraFields;
}

// ---------------------------------------------------------------------------------------------
// image

export interface ImageRequest {
  model: string;
  prompt: string;
  /** Source images: present for an edit, absent for a generation. */
  images?: UploadedFile[];
  mask?: UploadedFile;
  n?: number;
  size?: string;
  quality?: string;
  style?: string;
  /** How the client wants the images: a URL or base64 data. */
  responseFormat?: 'url' | 'b64_json';
  user?: string;
  extra?: ExtraFields;
  providerOptions?: ProviderOptions;
}

export interface GeneratedImage {
  url?: string;
  /** Base64 image data (no `data:` prefix). */
  b64Json?: string;
  mediaType?: string;
  revisedPrompt?: string;
}

export interface ImageResult {
  /** Unix seconds. */
  created: number;
  images: GeneratedImage[];
  usage?: Usage;
  extra?: ExtraFields;
}

// ---------------------------------------------------------------------------------------------
// transcribe (and translate to English)

/** `diarized_json`: segments labelled by speaker (OpenAI's `gpt-4o-transcribe-diarize`). */
export type TranscriptFormat = 'json' | 'text' | 'srt' | 'verbose_json' | 'vtt' | 'diarized_json';

export interface TranscribeRequest {
  model: string;
  file: UploadedFile;
  /** `translate`: the output is English whatever the spoken language. */
  task: 'transcribe' | 'translate';
  responseFormat: TranscriptFormat;
  language?: string;
  prompt?: string;
  temperature?: number;
  timestampGranularities?: Array<'word' | 'segment'>;
  extra?: ExtraFields;
}

export interface TranscriptSegment {
  /** A number (Whisper), or a string (`seg_1`, diarized segments). */
  id?: number | string;
  start: number;
  end: number;
  text: string;
  [field: string]: unknown;
}

export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}

export interface TranscribeResult {
  text: string;
  /** For `text`, `srt` and `vtt`: the body exactly as the upstream formatted it. */
  formatted?: string;
  language?: string;
  /** Seconds of audio. */
  duration?: number;
  segments?: TranscriptSegment[];
  words?: TranscriptWord[];
  usage?: Usage;
  extra?: ExtraFields;
}

// ---------------------------------------------------------------------------------------------
// speech

export interface SpeechRequest {
  model: string;
  input: string;
  voice: string;
  /** Audio container/codec: mp3, opus, aac, flac, wav, pcm. */
  responseFormat?: string;
  speed?: number;
  instructions?: string;
  extra?: ExtraFields;
}

export interface SpeechResult {
  /** The audio bytes as they arrive from the upstream (streamed, never buffered whole). */
  audio: ReadableStream<Uint8Array>;
  /** Content type of the audio (`audio/mpeg`), or `text/event-stream` for SSE speech. */
  mediaType: string;
  usage?: Usage;
}

// ---------------------------------------------------------------------------------------------
// moderate

export interface ModerateRequest {
  model: string;
  /** One entry per input to classify; each is one or more text / image parts. */
  inputs: Array<Array<TextPart | ImagePart>>;
  extra?: ExtraFields;
}

export interface ModerationVerdict {
  flagged: boolean;
  categories: Record<string, boolean>;
  categoryScores: Record<string, number>;
  /** Which input types (`text`, `image`) each category was applied to. */
  categoryAppliedInputTypes?: Record<string, string[]>;
}

export interface ModerateResult {
  id: string;
  model: string;
  /** One verdict per input, in input order. */
  results: ModerationVerdict[];
  usage?: Usage;
  extra?: ExtraFields;
}

// ---------------------------------------------------------------------------------------------
// rerank

/** A document to rank: plain text, or a structured one (`{text}`, `{image}` …). */
export type RerankDocument = string | Record<string, unknown>;

export interface RerankRequest {
  model: string;
  query: string;
  documents: RerankDocument[];
  topN?: number;
  /** Whether results should carry their document (Jina's `return_documents`). */
  returnDocuments?: boolean;
  maxTokensPerDoc?: number;
  extra?: ExtraFields;
}

export interface RerankItem {
  /** Index of the document in the request. */
  index: number;
  relevanceScore: number;
  document?: RerankDocument;
}

/** The rerank reply families clients and upstreams speak. */
export type RerankShape = 'cohere' | 'jina';

export interface RerankResult {
  id?: string;
  model?: string;
  /** Best first. */
  results: RerankItem[];
  usage?: Usage;
  /** Cohere bills in search units. */
  searchUnits?: number;
  /** The family the upstream answered in; the default answer shape when the client gave no hint. */
  shape?: RerankShape;
  extra?: ExtraFields;
}

// ---------------------------------------------------------------------------------------------

declare module '../plugin/types.ts' {
  interface Operations {
    embed: { request: EmbedRequest; result: EmbedResult };
    image: { request: ImageRequest; result: ImageResult };
    transcribe: { request: TranscribeRequest; result: TranscribeResult };
    speech: { request: SpeechRequest; result: SpeechResult };
    moderate: { request: ModerateRequest; result: ModerateResult };
    rerank: { request: RerankRequest; result: RerankResult };
  }
}
