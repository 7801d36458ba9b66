import { readReplyText } from '../../../core/http/read-reply.ts';

/**
 * The Cloud Code Assist envelope around the Gemini wire format: requests go to
 * `{base}/v1internal:{method}` wrapped as `{ model, project, user_prompt_id, request }`;
 * answers come back wrapped as `{ response: <GenerateContentResponse>, traceId }` (one per SSE
 * event for streams). These functions map between the two so the `gemini` adapter can be reused.
 *
 * @see https://github.com/google-gemini/gemini-cli/blob/main/packages/core/src/code_assist/converter.ts
 */

/** `{root}/v1beta/models/{model}:{method}?…` (what the gemini adapter builds) → `{root}/v1internal:{method}?…`. */
export function toCodeAssistUrl(url: string): string {
  const u = new URL(url);
  const m = /^(.*?)\/v1beta\/(?:models|tunedModels)\/[^/]+:(\w+)$/.exec(u.pathname);
  if (!m) return url;
  return `${u.origin}${m[1]}/v1internal:${m[2]}${u.search}`;
}

/** A Gemini request body inside the Code Assist request. */
export function wrapCodeAssistRequest(body: Record<string, unknown>, model: string, project: string | undefined): Record<string, unknown> {
  const { model: _ignored, ...request } = body;
  return { model, ...(project ? { project } : {}), user_prompt_id: crypto.randomUUID(), request };
}

function unwrap(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'response' in v) return (v as { response: unknown }).response;
  return v;
}

/**
 * The answer as the Gemini API would have sent it: a JSON body (or JSON array) unwrapped
 * element by element, an SSE stream unwrapped event by event. Errors (non-2xx) use Google's
 * own error envelope already and pass unchanged.
 */
export async function unwrapCodeAssistResponse(res: Response): Promise<Response> {
  if (!res.ok || !res.body) return res;
  const type = res.headers.get('content-type') ?? '';
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  if (type.includes('text/event-stream')) return new Response(res.body.pipeThrough(unwrapSse()), { status: res.status, headers });
  const text = await readReplyText(res, 'Code Assist');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new Response(text, { status: res.status, headers });
  }
  const out = Array.isArray(json) ? json.map(unwrap) : unwrap(json);
  return new Response(JSON.stringify(out), { status: res.status, headers });
}

/** SSE bytes → SSE bytes with every `data:` JSON unwrapped; split lines are reassembled. */
function unwrapSse(): TransformStream<Uint8Array, Uint8Array> {
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  let buf = '';
  const line = (l: string): string => {
    if (!l.startsWith('data:')) return l;
    const data = l.slice(5).trimStart();
    try {
      return `data: ${JSON.stringify(unwrap(JSON.parse(data)))}`;
    } catch {
      return l;
    }
  };
  return new TransformStream({
    transform(chunk, ctl) {
      buf += dec.decode(chunk, { stream: true });
      const cut = buf.lastIndexOf('\n');
      if (cut < 0) return;
      const complete = buf.slice(0, cut + 1);
      buf = buf.slice(cut + 1);
      ctl.enqueue(enc.encode(complete.split('\n').map((l) => line(l.replace(/\r$/, ''))).join('\n')));
    },
    flush(ctl) {
      buf += dec.decode();
      if (buf) ctl.enqueue(enc.encode(line(buf)));
    },
  });
}
