/**
 * What each target is sent: URL, body and headers per lane (passthrough / translated) and mode
 * (stream / non-stream). Direct and floor get the same OpenAI body as the gateway minus the
 * `provider/` prefix; the translated lane's "direct" is the mock's Anthropic endpoint.
 */
import { MODELS } from './gateway-process.ts';
import type { Lane, Mode, Target } from './report.ts';

export interface Endpoints {
  mock: string;
  floor: string;
  gateway: string;
  key: string;
}

export interface Request {
  url: string;
  body: string;
  headers: Record<string, string>;
}

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

function openaiBody(model: string, stream: boolean): string {
  return JSON.stringify(stream
    ? { model, messages: MESSAGES, max_tokens: 64, stream: true, stream_options: { include_usage: true } }
    : { model, messages: MESSAGES, max_tokens: 64 });
}

function anthropicBody(model: string, stream: boolean): string {
  return JSON.stringify({ model, max_tokens: 64, messages: MESSAGES, ...(stream ? { stream: true } : {}) });
}

/**
 * The request for one target. `ttft` picks the mock's split stream (first content, a pause,
 * the rest). Returns undefined for combinations that do not exist (a floor that translates).
 */
export function requestFor(e: Endpoints, target: Target, lane: Lane, mode: Mode, ttft = false): Request | undefined {
  const stream = mode === 'stream';
  const json = { 'content-type': 'application/json' };
  if (target === 'gateway') {
    const model = lane === 'passthrough'
      ? (ttft ? MODELS.passthroughTtft : MODELS.passthrough)
      : (ttft ? MODELS.translatedTtft : MODELS.translated);
    return { url: `${e.gateway}/v1/chat/completions`, body: openaiBody(model, stream), headers: { ...json, authorization: `Bearer ${e.key}` } };
  }
  if (lane === 'translated') {
    if (target === 'floor') return undefined;
    return { url: `${e.mock}/v1/messages`, body: anthropicBody(ttft ? 'claude-bench-ttft' : 'claude-bench', stream), headers: json };
  }
  const base = target === 'floor' ? e.floor : e.mock;
  return { url: `${base}/v1/chat/completions`, body: openaiBody(ttft ? 'bench-ttft' : 'bench-model', stream), headers: json };
}

/**
 * One request through `r`, checked: 200, the mock's text arrived, and a stream ended with its
 * terminator. Throws a readable error otherwise (the bench would measure error pages).
 */
export async function checkRequest(label: string, r: Request, stream: boolean): Promise<void> {
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body });
  const text = await res.text();
  const ok = res.status === 200 && text.includes('Hello')
    && (!stream || text.includes('data: [DONE]') || text.includes('"type":"message_stop"'));
  if (!ok) throw new Error(`sanity check failed for ${label}: HTTP ${res.status}: ${text.slice(0, 400)}`);
}
