import type { TranscribeRequest, TranscribeResult, TranscriptSegment } from '../../../core/types/operations.ts';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/**
 * The hub transcript → the response format the client asked for:
 * `json` `{text, …}`, `verbose_json` `{task, language, duration, text, segments, words, …}`,
 * `diarized_json` `{task, duration, text, segments}` (segments with their `speaker`),
 * `text`, `srt` and `vtt` as plain text. Formatted bodies the upstream made are sent byte for
 * byte; otherwise subtitles are built from the segments (one cue for the whole text when there
 * are none). Fields the upstream added (`usage`, `logprobs`) come back with the JSON forms.
 *
 * @see https://platform.openai.com/docs/api-reference/audio/json-object
 * @see https://platform.openai.com/docs/api-reference/audio/verbose-json-object
 * @see https://platform.openai.com/docs/api-reference/audio/diarized-json-object
 */
export function encodeTranscriptionResult(result: TranscribeResult, req: TranscribeRequest): Response {
  switch (req.responseFormat) {
    case 'text':
      return new Response(result.formatted ?? `${result.text}\n`, { headers: TEXT });
    case 'srt':
    case 'vtt':
      return new Response(result.formatted && looksLike(result.formatted, req.responseFormat)
        ? result.formatted
        : buildSubtitles(cues(result), req.responseFormat), { headers: TEXT });
    case 'verbose_json': {
      const body: Record<string, unknown> = { task: req.task, language: result.language ?? req.language ?? 'unknown', duration: result.duration ?? 0, text: result.text };
      if (result.segments) body.segments = result.segments;
      if (result.words) body.words = result.words;
      return Response.json(withUsage({ ...body, ...result.extra }, result));
    }
    case 'diarized_json': {
      const body = { task: req.task, duration: result.duration ?? 0, text: result.text, segments: result.segments ?? [] };
      return Response.json(withUsage({ ...body, ...result.extra }, result));
    }
    default:
      return Response.json(withUsage({ text: result.text, ...result.extra }, result));
  }
}

function withUsage(body: Record<string, unknown>, result: TranscribeResult): Record<string, unknown> {
  if (body.usage !== undefined || !result.usage) return body;
  const { inputTokens, outputTokens } = result.usage;
  return { ...body, usage: { type: 'tokens', input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens } };
}

function looksLike(text: string, format: 'srt' | 'vtt'): boolean {
  return format === 'vtt' ? text.startsWith('WEBVTT') : /-->/.test(text);
}

function cues(result: TranscribeResult): TranscriptSegment[] {
  if (result.segments && result.segments.length > 0) return result.segments;
  return [{ start: 0, end: result.duration ?? 0, text: result.text }];
}

/** `00:01:02,345` (srt) or `00:01:02.345` (vtt). */
function timestamp(seconds: number, sep: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

/** SubRip or WebVTT text from timed segments. */
export function buildSubtitles(segments: TranscriptSegment[], format: 'srt' | 'vtt'): string {
  const sep = format === 'srt' ? ',' : '.';
  const blocks = segments.map((s, i) => {
    const timing = `${timestamp(s.start, sep)} --> ${timestamp(s.end, sep)}`;
    return format === 'srt' ? `${i + 1}\n${timing}\n${s.text.trim()}\n` : `${timing}\n${s.text.trim()}\n`;
  });
  return format === 'srt' ? `${blocks.join('\n')}\n` : `WEBVTT\n\n${blocks.join('\n')}\n`;
}
