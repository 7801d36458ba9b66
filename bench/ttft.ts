/**
 * Time to first token, measured by a small dedicated client: N sequential streamed requests,
 * each timed from just before `fetch` to the moment the first SSE event carrying content
 * (an OpenAI delta with text, or an Anthropic `content_block_delta`) is decoded. Sequential
 * on purpose: no queueing, so the difference between two targets is the per-request overhead.
 */
import { median } from './processes.ts';

export interface TtftResult {
  n: number;
  medianMs: number;
  p90Ms: number;
  /** Requests whose stream had no content event or no terminator (should be 0). */
  errors: number;
}

/** True when one SSE event's data carries model output (not just the role prelude). */
export function isContentEvent(data: string): boolean {
  if (data === '[DONE]') return false;
  try {
    const j = JSON.parse(data) as { type?: string; choices?: Array<{ delta?: { content?: string | null; tool_calls?: unknown[] } }> };
    if (j.type === 'content_block_delta') return true;
    const d = j.choices?.[0]?.delta;
    return Boolean(d && ((typeof d.content === 'string' && d.content.length > 0) || d.tool_calls?.length));
  } catch {
    return false;
  }
}

/** The `data:` payloads of complete SSE events in `buf`, and what is left over. */
export function splitSse(buf: string): { datas: string[]; rest: string } {
  const events = buf.split(/\r?\n\r?\n/);
  const rest = events.pop() ?? '';
  const datas: string[] = [];
  for (const ev of events) {
    const lines = ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart());
    if (lines.length) datas.push(lines.join('\n'));
  }
  return { datas, rest };
}

/** Streams one request; resolves to ms until the first content event, or undefined on failure. */
export async function timeFirstContent(url: string, body: string, headers: Record<string, string>): Promise<number | undefined> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body });
  if (res.status !== 200 || !res.body) {
    await res.arrayBuffer().catch(() => undefined);
    return undefined;
  }
  const decoder = new TextDecoder();
  let buf = '';
  let ttft: number | undefined;
  let all = '';
  for await (const bytes of res.body) {
    const text = decoder.decode(bytes, { stream: true });
    all += text;
    if (ttft !== undefined) continue;
    const { datas, rest } = splitSse(buf + text);
    buf = rest;
    if (datas.some(isContentEvent)) ttft = performance.now() - t0;
  }
  const terminated = all.includes('data: [DONE]') || all.includes('"type":"message_stop"');
  return terminated ? ttft : undefined;
}

/** Runs `n` sequential TTFT probes after `warmup` unrecorded ones. */
export async function measureTtft(
  url: string, body: string, headers: Record<string, string>, n: number, warmup = 10,
): Promise<TtftResult> {
  for (let i = 0; i < warmup; i++) await timeFirstContent(url, body, headers).catch(() => undefined);
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < n; i++) {
    const t = await timeFirstContent(url, body, headers).catch(() => undefined);
    if (t === undefined) errors++;
    else times.push(t);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n,
    medianMs: times.length ? median(times) : Number.NaN,
    p90Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]! : Number.NaN,
    errors,
  };
}
