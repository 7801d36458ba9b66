import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createHttpClient } from '../http/create-http-client.ts';
import { caught } from '../http/test-support.ts';
import type { ChatRequest, Message } from '../types/hub.ts';
import { createMediaCache } from './media-cache.ts';
import { inlineRemoteMedia, MAX_MEDIA_TOTAL_BYTES, MAX_MEDIA_URLS, type InlineMediaOptions } from './inline-remote-media.ts';
import { sniffMediaType } from './sniff-media-type.ts';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9]);
const PDF = new TextEncoder().encode('%PDF-1.7 fake');
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const NINE_MB = new Uint8Array(9 * 1024 * 1024);
NINE_MB.set(PNG);

let server: ReturnType<typeof Bun.serve>;
let base = '';
const hits = new Map<string, number>();
const http = createHttpClient();

beforeAll(() => {
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/cat.png') return new Response(PNG, { headers: { 'content-type': 'image/png' } });
      if (path === '/octet.jpg') return new Response(JPEG, { headers: { 'content-type': 'application/octet-stream' } });
      if (path === '/doc.pdf') return new Response(PDF, { headers: { 'content-type': 'application/pdf' } });
      if (path === '/page.html') return new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
      if (path === '/moved') return Response.redirect(`${base}/cat.png`, 302);
      if (path === '/big') return new Response(new Uint8Array(4096).fill(0x89), { headers: { 'content-type': 'image/png' } });
      if (path === '/nine-mb') return new Response(NINE_MB, { headers: { 'content-type': 'image/png' } });
      if (path === '/slow') {
        await Bun.sleep(5_000);
        return new Response(PNG, { headers: { 'content-type': 'image/png' } });
      }
      return new Response('nope', { status: 404 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server.stop(true);
  http.close?.();
});

const user = (...content: Message['content']): Message => ({ role: 'user', content });
const chat = (...messages: Message[]): ChatRequest => ({ model: 'm', messages, stream: false });
const via = (allowPrivateNetwork: boolean): InlineMediaOptions['fetch'] => (url, init) => http.fetch(url, { ...init, allowPrivateNetwork });
const opts = { fetch: via(true), provider: 'Bedrock' };

describe('inlineRemoteMedia', () => {
  test('an image URL becomes inline base64 with the type the server named; text and data: URLs are left alone', async () => {
    const dataUrl = `data:image/png;base64,${b64(PNG)}`;
    const req = chat(user({ type: 'text', text: 'what is this?' }, { type: 'image', url: `${base}/cat.png`, detail: 'high' }, { type: 'image', url: dataUrl }));
    const out = await inlineRemoteMedia(req, opts);
    expect(out.messages[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image', data: b64(PNG), mediaType: 'image/png', detail: 'high' },
      { type: 'image', url: dataUrl },
    ]);
    // The caller's request is not changed.
    expect(req.messages[0]!.content[1]).toEqual({ type: 'image', url: `${base}/cat.png`, detail: 'high' });
  });

  test('a request without remote URLs comes back as the same object, and nothing is fetched', async () => {
    const before = [...hits.values()].reduce((a, b) => a + b, 0);
    const req = chat(user({ type: 'text', text: 'hi' }, { type: 'image', data: b64(PNG), mediaType: 'image/png' }));
    expect(await inlineRemoteMedia(req, opts)).toBe(req);
    expect([...hits.values()].reduce((a, b) => a + b, 0)).toBe(before);
  });

  test('a generic Content-Type is replaced by the type the bytes show; redirects are followed', async () => {
    const out = await inlineRemoteMedia(chat(user({ type: 'image', url: `${base}/octet.jpg` }, { type: 'image', url: `${base}/moved` })), opts);
    expect(out.messages[0]!.content).toEqual([
      { type: 'image', data: b64(JPEG), mediaType: 'image/jpeg' },
      { type: 'image', data: b64(PNG), mediaType: 'image/png' },
    ]);
  });

  test('files and tool-result images too; one URL used twice is fetched once', async () => {
    hits.delete('/doc.pdf');
    hits.delete('/cat.png');
    const req = chat(
      user({ type: 'file', url: `${base}/doc.pdf`, mediaType: 'application/pdf', filename: 'doc.pdf' }, { type: 'image', url: `${base}/cat.png` }),
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'shot' }, { type: 'image', url: `${base}/cat.png` }] }] },
    );
    const out = await inlineRemoteMedia(req, opts);
    expect(out.messages[0]!.content[0]).toEqual({ type: 'file', data: b64(PDF), mediaType: 'application/pdf', filename: 'doc.pdf' });
    expect(out.messages[1]!.content[0]).toEqual({
      type: 'tool-result', toolCallId: 't1', content: [{ type: 'text', text: 'shot' }, { type: 'image', data: b64(PNG), mediaType: 'image/png' }],
    });
    expect([hits.get('/doc.pdf'), hits.get('/cat.png')]).toEqual([1, 1]);
  });

  test('failures are 400 GW_UNSUPPORTED naming the URL without its query: 404, not an image, too large, private address', async () => {
    const one = (url: string, o: Partial<Parameters<typeof inlineRemoteMedia>[1]> = {}) =>
      caught(inlineRemoteMedia(chat(user({ type: 'image', url })), { ...opts, ...o }));
    const missing = await one(`${base}/gone.png?sig=SECRET-SIGNATURE`);
    expect([missing.code, missing.status, missing.retryable]).toEqual(['GW_UNSUPPORTED', 400, false]);
    expect(missing.message).toContain(`${base}/gone.png: it answered HTTP 404`);
    expect(missing.message).not.toContain('SECRET');
    expect((await one(`${base}/page.html`)).message).toContain('it is not an image (text/html)');
    expect((await one(`${base}/big`, { maxBytes: 1024 })).message).toContain('it is over');
    expect((await one(`${base}/cat.png`, { fetch: via(false) })).message).toContain('its address is private or reserved');
    expect((await one('http://169.254.169.254/latest/meta-data/')).message).toContain('its address is private or reserved');
  });

  test(`the URLs of one request bring at most ${MAX_MEDIA_TOTAL_BYTES / 1024 / 1024} MB in all, however many fit the count`, async () => {
    const three = Array.from({ length: 3 }, (_, i) => ({ type: 'image' as const, url: `${base}/nine-mb?n=${i}` }));
    const out = await inlineRemoteMedia(chat(user(...three)), opts);
    expect(out.messages[0]!.content.every((p) => p.type === 'image' && p.data !== undefined)).toBe(true);
    const four = Array.from({ length: 4 }, (_, i) => ({ type: 'image' as const, url: `${base}/nine-mb?n=${i}` }));
    const err = await caught(inlineRemoteMedia(chat(user(...four)), opts));
    expect(err.code).toBe('GW_UNSUPPORTED');
    expect(err.message).toMatch(/pass the 32 MB the gateway fetches for one request|it is over/);
  });

  test('a client that leaves aborts the fetch: GW_CLIENT_CLOSED, at once', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    const err = await caught(inlineRemoteMedia(chat(user({ type: 'image', url: `${base}/slow` })), { ...opts, signal: ac.signal, fetch: (url, init) => http.fetch(url, { ...init, signal: ac.signal, allowPrivateNetwork: true }) }));
    expect(err.code).toBe('GW_CLIENT_CLOSED');
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  test(`more than ${MAX_MEDIA_URLS} distinct URLs are refused before any fetch`, async () => {
    const parts = Array.from({ length: MAX_MEDIA_URLS + 1 }, (_, i) => ({ type: 'image' as const, url: `${base}/cat.png?n=${i}` }));
    hits.delete('/cat.png');
    const err = await caught(inlineRemoteMedia(chat(user(...parts)), opts));
    expect(err.code).toBe('GW_UNSUPPORTED');
    expect(hits.get('/cat.png')).toBeUndefined();
  });

  test('with a cache: a URL fetched once serves later requests of the same scope; another scope fetches for itself', async () => {
    const cache = createMediaCache();
    const req = chat(user({ type: 'image', url: `${base}/cat.png?cached=1` }));
    hits.delete('/cat.png');
    const first = await inlineRemoteMedia(req, { ...opts, cache, cacheScope: 'bedrock-a' });
    const again = await inlineRemoteMedia(req, { ...opts, cache, cacheScope: 'bedrock-a' });
    expect(again.messages).toEqual(first.messages);
    expect(hits.get('/cat.png')).toBe(1);
    await inlineRemoteMedia(req, { ...opts, cache, cacheScope: 'bedrock-b' });
    expect(hits.get('/cat.png')).toBe(2);
  });

  test('sniffMediaType knows PNG, JPEG, GIF, WebP and PDF, and nothing else', () => {
    expect(sniffMediaType(PNG)).toBe('image/png');
    expect(sniffMediaType(JPEG)).toBe('image/jpeg');
    expect(sniffMediaType(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffMediaType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffMediaType(PDF)).toBe('application/pdf');
    expect(sniffMediaType(new TextEncoder().encode('hello'))).toBeUndefined();
  });
});
