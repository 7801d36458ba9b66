/**
 * Images and files a request gives by http(s) URL, fetched through the gateway's outbound
 * client and put inline as base64 bytes, for an API that takes only inline data (Bedrock
 * Converse, Claude on Vertex). OpenAI clients often send `image_url: {url: "https://…"}`, which
 * Anthropic's and OpenAI's own APIs fetch themselves.
 */
import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import { readBounded } from '../http/exchange.ts';
import type { HttpClient } from '../http/types.ts';
import type { Timeouts } from '../plugin/types.ts';
import type { ChatRequest, ContentPart, FilePart, ImagePart, Message } from '../types/hub.ts';
import { formatBytes } from './format-bytes.ts';
import { mapInBatches } from './map-in-batches.ts';
import type { Media, MediaCache } from './media-cache.ts';
import { sniffMediaType } from './sniff-media-type.ts';

export type { Media } from './media-cache.ts';

/** Largest item fetched (Bedrock itself takes images up to 3.75 MB and documents up to 4.5 MB). */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
/** Most distinct URLs one request may make the gateway fetch. */
export const MAX_MEDIA_URLS = 20;
/** Most bytes one request's URLs may bring in all, so a request cannot fill memory with 20 large files. */
export const MAX_MEDIA_TOTAL_BYTES = 32 * 1024 * 1024;
/** URLs fetched at once. */
const PARALLEL_FETCHES = 4;
const MEDIA_TIMEOUTS: Timeouts = { connectMs: 5_000, firstByteMs: 15_000, idleMs: 15_000, totalMs: 30_000 };

export interface InlineMediaOptions {
  /**
   * How to fetch: the shared outbound client with the provider's SSRF policy, proxy and the
   * attempt's signal (`attempt.fetch`, or `host.http.fetch` with those options).
   */
  fetch: HttpClient['fetch'];
  /** The provider that needs the bytes, for error text (`Bedrock`). */
  provider: string;
  /** Aborts the fetches (the attempt's signal; `fetch` should carry it too). */
  signal?: AbortSignal;
  maxBytes?: number;
  /**
   * Fetched items kept for later requests (a conversation resends its history each turn), under
   * `cacheScope`: the provider, whose network policy fetched them.
   */
  cache?: MediaCache;
  cacheScope?: string;
}

/** What a URL should hold: an image, or any file (a PDF…). */
export type MediaKind = 'image' | 'file';

/**
 * `req` with every image and file part given by an `http:`/`https:` URL (in messages and in
 * tool results) replaced by the same part with `data` (base64) and the media type the server
 * named (or, for a generic or missing `Content-Type`, the one its bytes show: PNG, JPEG, GIF,
 * WebP, PDF). Each distinct URL is fetched once, a few at a time, by `opts.fetch` (redirects
 * followed, each hop checked again by the SSRF guard), at most `maxBytes` (MAX_MEDIA_BYTES) each
 * and MAX_MEDIA_TOTAL_BYTES in all, or taken from `opts.cache`. `data:` URLs and parts that
 * already hold data are left alone; a request with no such URL comes back as it is.
 *
 * Errors: GW_UNSUPPORTED (400, so a fallback target that fetches URLs itself is tried) when a
 * URL cannot be fetched (refused address, connection, timeout, non-2xx status), its body passes
 * the cap or the request's total, an image URL serves something that is not an image, or the
 * request names more than MAX_MEDIA_URLS URLs. The message names the URL without its query or credentials.
 * GW_CLIENT_CLOSED when `signal` aborts.
 */
export async function inlineRemoteMedia(req: ChatRequest, opts: InlineMediaOptions): Promise<ChatRequest> {
  const urls = remoteUrlsIn(req.messages);
  if (urls.size === 0) return req;
  const fetched = await fetchRemoteMedia(urls, opts);
  return { ...req, messages: req.messages.map((m) => inlineMessage(m, fetched)) };
}

/**
 * Fetches each URL as `inlineRemoteMedia` does (PARALLEL_FETCHES at a time, MAX_MEDIA_TOTAL_BYTES
 * in all), for a caller that walks its own wire shape. Errors: those of `inlineRemoteMedia`,
 * the URL count checked before any fetch; past the total, the URL that crossed it is named.
 */
export async function fetchRemoteMedia(urls: ReadonlyMap<string, MediaKind>, opts: InlineMediaOptions): Promise<Map<string, Media>> {
  if (urls.size > MAX_MEDIA_URLS) {
    throw unsupported(`${opts.provider} takes images and files as inline data; the gateway fetches at most ${MAX_MEDIA_URLS} URLs per request, and this one has ${urls.size}.`);
  }
  const scope = opts.cacheScope ?? opts.provider;
  let left = MAX_MEDIA_TOTAL_BYTES;
  const fetched = await mapInBatches([...urls], 1, PARALLEL_FETCHES, async ([[url, kind]]) => {
    const media = opts.cache?.get(scope, url) ?? await fetchMedia(url, kind, opts, Math.max(1, Math.min(opts.maxBytes ?? MAX_MEDIA_BYTES, left)));
    left -= media.bytes;
    if (left < 0) {
      throw unsupported(`${opts.provider} takes images and files as inline data, and the files this request gives by URL pass the ${formatBytes(MAX_MEDIA_TOTAL_BYTES)} the gateway fetches for one request (at ${displayUrl(url)}).`);
    }
    opts.cache?.set(scope, url, media);
    return [url, media] as const;
  });
  return new Map(fetched);
}

/** True for an `http:` or `https:` URL (not `data:`). */
export function isRemoteUrl(url: unknown): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** Notes `url` as holding `kind`; an image wins over a file for a URL used as both. */
export function noteRemoteUrl(urls: Map<string, MediaKind>, url: string, kind: MediaKind): void {
  if (urls.get(url) !== 'image') urls.set(url, kind);
}

/** Each remote URL with what it should hold. */
function remoteUrlsIn(messages: readonly Message[]): Map<string, MediaKind> {
  const urls = new Map<string, MediaKind>();
  const note = (p: ImagePart | FilePart) => {
    if (p.data !== undefined || !isRemoteUrl(p.url)) return;
    noteRemoteUrl(urls, p.url, p.type === 'image' || p.mediaType.startsWith('image/') ? 'image' : 'file');
  };
  for (const m of messages) {
    for (const p of m.content) {
      if (p.type === 'image' || p.type === 'file') note(p);
      else if (p.type === 'tool-result') for (const c of p.content) if (c.type === 'image') note(c);
    }
  }
  return urls;
}

function inlineMessage(m: Message, fetched: ReadonlyMap<string, Media>): Message {
  let changed = false;
  const content = m.content.map((p): ContentPart => {
    if (p.type === 'image' || p.type === 'file') {
      const inlined = inlinePart(p, fetched);
      changed ||= inlined !== p;
      return inlined;
    }
    if (p.type !== 'tool-result') return p;
    let inner = false;
    const parts = p.content.map((c) => {
      if (c.type !== 'image') return c;
      const inlined = inlinePart(c, fetched);
      inner ||= inlined !== c;
      return inlined;
    });
    changed ||= inner;
    return inner ? { ...p, content: parts } : p;
  });
  return changed ? { ...m, content } : m;
}

function inlinePart<P extends ImagePart | FilePart>(p: P, fetched: ReadonlyMap<string, Media>): P {
  const media = p.data === undefined && p.url !== undefined ? fetched.get(p.url) : undefined;
  if (!media) return p;
  const { url: _url, ...rest } = p;
  // A file keeps the type its client declared; an image takes the one the server sent.
  return { ...rest, data: media.data, mediaType: p.type === 'file' ? p.mediaType || media.mediaType : media.mediaType } as P;
}

/** One URL read with at most `max` bytes (what is left of the request's budget, or the item cap). */
async function fetchMedia(url: string, kind: MediaKind, opts: InlineMediaOptions, max: number): Promise<Media> {
  const shown = displayUrl(url);
  const what = kind === 'image' ? 'the image' : 'the file';
  const fail = (reason: string) => unsupported(`${opts.provider} takes ${kind}s as inline data, and the gateway could not fetch ${what} at ${shown}: ${reason}.`);
  let bytes: Uint8Array | null;
  let declared: string;
  try {
    const res = await opts.fetch(url, { method: 'GET', headers: { accept: kind === 'image' ? 'image/*' : '*/*' }, timeouts: MEDIA_TIMEOUTS });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw fail(`it answered HTTP ${res.status}`);
    }
    declared = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    bytes = await readBounded(res, max, new URL(url).host);
  } catch (e) {
    if (isGatewayError(e) && (e.code === 'GW_UNSUPPORTED' || e.code === 'GW_CLIENT_CLOSED')) throw e;
    if (opts.signal?.aborted) throw new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.', { cause: e });
    throw fail(reasonOf(e, max));
  }
  if (!bytes || bytes.byteLength === 0) throw fail('it sent no bytes');
  const sniffed = sniffMediaType(bytes);
  const generic = declared === '' || declared === 'application/octet-stream' || declared === 'binary/octet-stream';
  const mediaType = generic ? sniffed ?? declared : declared;
  if (kind === 'image' && !mediaType.startsWith('image/')) throw fail(`it is not an image (${mediaType || 'no Content-Type'})`);
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return { data, mediaType: mediaType || 'application/octet-stream', bytes: bytes.byteLength };
}

function reasonOf(e: unknown, max: number): string {
  if (!isGatewayError(e)) return 'the request failed';
  if (e.code === 'GW_SSRF_BLOCKED') return 'its address is private or reserved';
  if (e.code === 'GW_UPSTREAM_TIMEOUT') return 'it timed out';
  if (e.code === 'GW_UPSTREAM_CONNECT') return 'the connection failed';
  if (e.code === 'GW_UPSTREAM_PROTOCOL' && /over /.test(e.message)) {
    return `it is over ${formatBytes(max)} (${formatBytes(MAX_MEDIA_BYTES)} per file, ${formatBytes(MAX_MEDIA_TOTAL_BYTES)} per request)`;
  }
  return 'the request failed';
}

/** The URL as errors show it: scheme, host and path, never its query or userinfo (signed URLs carry keys there). */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const text = `${u.protocol}//${u.host}${u.pathname}`;
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return '(an invalid URL)';
  }
}

function unsupported(message: string): GatewayError {
  return new GatewayError('GW_UNSUPPORTED', message, { status: 400 });
}
