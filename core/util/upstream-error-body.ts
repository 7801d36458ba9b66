import type { ErrorCode } from '../errors/gateway-error.ts';
import { parseDuration } from '../http/retry-after.ts';

/**
 * Small pieces every provider's error mapper needs: read a bounded error body, keep the
 * response headers worth showing, clip and mask messages, find a wait in a message, read the
 * OpenAI-style envelope that OpenAI-compatible and Responses upstreams share. Other
 * provider-specific envelopes stay in their provider.
 */

type Json = Record<string, unknown>;

/** Error bodies are small; a larger one is cut here rather than buffered whole. */
export const MAX_ERROR_BODY = 64 * 1024;

/** Reads at most `max` characters of an error body. Never throws: a broken body gives what arrived. */
export async function readErrorBody(res: Response, max = MAX_ERROR_BODY): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const r = await reader.read();
      if (r.done) return text + decoder.decode();
      text += decoder.decode(r.value, { stream: true });
    }
    await reader.cancel();
  } catch {
    // A body that breaks while we read the error: keep what we have.
  }
  return text.slice(0, max);
}

/** The response headers whose names match `pattern` (never request headers: no secrets). */
export function keptHeaders(headers: Headers, pattern: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (pattern.test(key)) out[key] = value;
  });
  return out;
}

/** A message cut to `max` characters. */
export function clipMessage(s: string, max = 1000): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** `s` with every occurrence of `secret` (8+ characters) replaced by `***`. */
export function maskSecret(s: string, secret: string | undefined): string {
  return secret && secret.length >= 8 ? s.split(secret).join('***') : s;
}

/** "Please try again in 20s" / "in 1.5s" / "in 250ms" / "in 1m30s" / "in 2h5m" → ms. */
export function waitFromMessage(message: string): number | undefined {
  const m = /try again in ((?:[\d.]+(?:ms|h|m|s))+)/i.exec(message);
  const ms = m ? parseDuration(m[1]) : undefined;
  return ms === undefined ? undefined : Math.ceil(ms);
}

/**
 * The gateway code and client status for an upstream's HTTP error, for providers whose errors
 * carry nothing finer: 401/403 are problems of the gateway's own upstream account, answered 502
 * (the client's key is fine, and the next target is tried); 429, 404, 413 and other 4xx keep
 * their meaning; 504 is a timeout; the rest is 502.
 */
export function classifyUpstreamStatus(status: number): [ErrorCode, number] {
  if (status === 401 || status === 403) return ['GW_UPSTREAM_ERROR', 502];
  if (status === 429) return ['GW_RATE_LIMITED', 429];
  if (status === 404) return ['GW_MODEL_NOT_FOUND', 404];
  if (status === 413) return ['GW_BODY_TOO_LARGE', 413];
  if (status >= 400 && status < 500) return ['GW_BAD_REQUEST', status];
  if (status === 504) return ['GW_UPSTREAM_TIMEOUT', 504];
  return ['GW_UPSTREAM_ERROR', 502];
}

/** What an OpenAI-style error envelope says. */
export interface OpenAIErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

/**
 * An error body's text as JSON; an error sent in SSE framing to a stream request ("event:
 * error\ndata: {…}", Groq's refusals of a stream) as its first event's JSON; else the text.
 */
export function parseErrorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const data = /^data:[ \t]?(\{.*\})[ \t]*$/m.exec(text)?.[1];
    if (data === undefined) return text;
    try {
      return JSON.parse(data);
    } catch {
      return text;
    }
  }
}

/**
 * Reads an OpenAI-style error body: `{error:{message,type,code,param}}` (or a list of one),
 * `{error:"…"}`, a flat
 * `{message,…}` (an `error` event of a stream: its `type: "error"` is not kept), FastAPI's
 * `{detail:"…"}` (the ChatGPT backend Codex uses, vLLM) or `{detail:[…]}` validation list, or
 * plain text (HTML error pages tell the client nothing and are dropped).
 */
export function readOpenAIErrorInfo(body: unknown): OpenAIErrorInfo {
  if (typeof body === 'string') {
    const t = body.trim();
    return t && t.length <= 300 && !t.startsWith('<') ? { message: t } : {};
  }
  if (!body || typeof body !== 'object') return {};
  // A bare pydantic list, or Google's OpenAI-compatible endpoint's list of one: `[{"error": {…}}]`.
  if (Array.isArray(body)) {
    const validation = readValidation(body);
    if (validation) return validation.param ? { message: validation.message, param: validation.param } : { message: validation.message };
    return body.length > 0 ? readOpenAIErrorInfo(body[0]) : {};
  }
  const b = body as Json;
  const e = b.error;
  if (typeof e === 'string') return { message: e };
  const src = e && typeof e === 'object' ? (e as Json) : b;
  const info: OpenAIErrorInfo = {};
  const raw = src.message ?? b.detail;
  const validation = typeof raw === 'string' ? undefined : readValidation(raw);
  const message = typeof raw === 'string' ? raw : validation?.message;
  if (message) info.message = message;
  if (typeof src.type === 'string' && src.type !== 'error') info.type = src.type;
  if (typeof src.code === 'string' || typeof src.code === 'number') info.code = String(src.code);
  if (typeof src.param === 'string') info.param = src.param;
  else if (validation?.param) info.param = validation.param;
  return info;
}

/**
 * A pydantic validation list, bare or as `{detail: […]}` (Mistral's 422 puts it in `message`,
 * FastAPI servers in `detail`), as one line naming each refused field:
 * `messages.1.assistant.reasoning_content: Extra inputs are not permitted`. `param` is the
 * field's path when there is one.
 */
function readValidation(x: unknown): { message: string; param?: string } | undefined {
  const list = Array.isArray(x) ? x : x && typeof x === 'object' && Array.isArray((x as Json).detail) ? ((x as Json).detail as unknown[]) : undefined;
  const lines: string[] = [];
  const paths: string[] = [];
  for (const d of list ?? []) {
    if (!d || typeof d !== 'object' || typeof (d as Json).msg !== 'string') continue;
    const loc = (d as Json).loc;
    const path = Array.isArray(loc) ? loc.filter((p, i) => !(i === 0 && p === 'body')).join('.') : '';
    lines.push(path ? `${path}: ${(d as Json).msg as string}` : ((d as Json).msg as string));
    if (path) paths.push(path);
  }
  if (lines.length === 0) return undefined;
  return { message: lines.join('; '), ...(paths.length === 1 ? { param: paths[0] } : {}) };
}
