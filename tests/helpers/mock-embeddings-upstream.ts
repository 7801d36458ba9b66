/**
 * A deterministic OpenAI-compatible embeddings server for tests (`POST /v1/embeddings`).
 * Each text becomes a bag of words — lower-cased, split on non-letters, stop words and
 * one-letter tokens dropped, a trailing plural `s` cut — hashed (FNV-1a) into `dims` buckets
 * and scaled to unit length. So paraphrases with the same content words are close
 * ("What is the capital of France?" ≈ "France's capital, what is it?") and other texts far.
 */

const STOP_WORDS = new Set([
  'a', 'an', 'the', 'is', 'are', 'was', 'were', 'be', 'of', 'to', 'in', 'on', 'for', 'and', 'or', 'what', 'which', 'who',
  'how', 'do', 'does', 'did', 'it', 'its', 'me', 'my', 'i', 'you', 'your', 'please', 'tell', 'can', 'could', 'would', 'whats',
]);

/** The content words of a text, as the mock embeds them. */
export function contentWords(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The unit vector the mock answers for `text`. */
export function mockEmbedding(text: string, dims = 64): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const w of contentWords(text)) v[fnv1a(w) % dims] += 1;
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

/** Cosine similarity of two vectors. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export interface MockEmbeddings {
  /** Base URL including `/v1`. */
  url: string;
  /** Bodies of the embeddings requests received, with their authorization header. */
  requests: Array<{ body: { model?: string; input?: unknown }; authorization: string | null }>;
  /** Answer the next requests with this status (0 = normal). */
  failWith(status: number): void;
  stop(): Promise<void>;
}

/** Starts the mock on 127.0.0.1 (random port). */
export function startMockEmbeddings(opts: { dims?: number } = {}): MockEmbeddings {
  const dims = opts.dims ?? 64;
  const requests: MockEmbeddings['requests'] = [];
  let failStatus = 0;
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method !== 'POST' || path !== '/v1/embeddings') return Response.json({ error: { message: 'not found' } }, { status: 404 });
      const body = (await req.json()) as { model?: string; input?: unknown };
      requests.push({ body, authorization: req.headers.get('authorization') });
      if (failStatus) return Response.json({ error: { message: 'mock failure', type: 'server_error' } }, { status: failStatus });
      const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
      return Response.json({
        object: 'list',
        data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: mockEmbedding(t, dims) })),
        model: body.model ?? 'mock-embed',
        usage: { prompt_tokens: inputs.join(' ').length, total_tokens: inputs.join(' ').length },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    requests,
    failWith(status) {
      failStatus = status;
    },
    async stop() {
      await server.stop(true);
    },
  };
}
