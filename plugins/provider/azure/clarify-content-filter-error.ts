import { readErrorBody } from '../../../core/util/upstream-error-body.ts';

type Json = Record<string, unknown>;

const obj = (x: unknown): Json | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : undefined);

/**
 * An Azure answer as the delegate adapter should read it: a content-filter refusal (400,
 * `code: content_filter`) gets a message that names the categories Azure filtered, which Azure
 * puts only in `innererror.content_filter_result`, where no client looks. The envelope stays
 * OpenAI's, so the delegate's error mapping keeps the status, the `content_filter` code and the
 * `prompt` param, and every client dialect gets it as its own 400. Other answers are returned
 * as they are. Reads at most 64 KB of a 400's body; never throws.
 *
 * @see https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/content-filter
 */
export async function clarifyContentFilterError(res: Response): Promise<Response> {
  if (res.status !== 400) return res;
  const text = await readErrorBody(res);
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(describeContentFilterRefusal(text) ?? text, { status: res.status, statusText: res.statusText, headers });
}

/**
 * The error body with a message naming the filtered categories (`violence (medium), jailbreak`)
 * before Azure's own, or undefined when `text` is not a content-filter refusal.
 */
export function describeContentFilterRefusal(text: string): string | undefined {
  let body: Json | undefined;
  try {
    body = obj(JSON.parse(text));
  } catch {
    return undefined;
  }
  const error = obj(body?.error);
  if (!body || !error || error.code !== 'content_filter') return undefined;
  const inner = obj(error.innererror) ?? obj(error.inner_error);
  const results = obj(inner?.content_filter_result) ?? obj(inner?.content_filter_results) ?? {};
  const flagged = Object.entries(results).flatMap(([category, r]) => {
    const result = obj(r);
    if (result?.filtered !== true) return [];
    return [typeof result.severity === 'string' ? `${category} (${result.severity})` : category];
  });
  const what = flagged.length > 0 ? `: ${flagged.join(', ')}` : '';
  const own = typeof error.message === 'string' ? ` ${error.message}` : '';
  return JSON.stringify({ ...body, error: { ...error, message: `Azure OpenAI's content filter refused this request${what}.${own}` } });
}
