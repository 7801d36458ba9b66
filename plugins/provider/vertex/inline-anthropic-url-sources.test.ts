import { describe, expect, test } from 'bun:test';
import { caught } from '../../../core/http/test-support.ts';
import type { InlineMediaOptions } from '../../../core/util/inline-remote-media.ts';
import { inlineAnthropicUrlSources } from './inline-anthropic-url-sources.ts';

const served: Record<string, [string, string]> = {
  'https://files.example/notes.txt': ['text/plain; charset=utf-8', 'plain notes ✓'],
  'https://files.example/sheet.csv': ['text/csv', 'a,b\n1,2'],
  'https://files.example/app.zip': ['application/zip', 'PK\u0003\u0004'],
};
const asked: string[] = [];
const opts: InlineMediaOptions = {
  provider: 'Vertex AI',
  fetch: async (url) => {
    asked.push(url);
    const hit = served[url];
    return hit ? new Response(hit[1], { headers: { 'content-type': hit[0] } }) : new Response('no', { status: 404 });
  },
};

describe('inlineAnthropicUrlSources', () => {
  test('a body without URL sources comes back as the same object, and nothing is fetched', async () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }, { type: 'text', text: 'hi' }] }] };
    asked.length = 0;
    expect(await inlineAnthropicUrlSources(body, opts)).toBe(body);
    expect(asked).toEqual([]);
  });

  test('a text document becomes a text source (UTF-8), and the client body is not changed', async () => {
    const block = { type: 'document', source: { type: 'url', url: 'https://files.example/notes.txt' }, citations: { enabled: true } };
    const body = { max_tokens: 5, messages: [{ role: 'user', content: [block] }] };
    const out = await inlineAnthropicUrlSources(body, opts) as { messages: Array<{ content: unknown[] }> };
    expect(out.messages[0]!.content[0]).toEqual({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain notes ✓' }, citations: { enabled: true } });
    expect(block.source.type).toBe('url');
    // CSV is text too.
    const csv = await inlineAnthropicUrlSources({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://files.example/sheet.csv' } }] }] }, opts) as any;
    expect(csv.messages[0].content[0].source).toEqual({ type: 'text', media_type: 'text/plain', data: 'a,b\n1,2' });
  });

  test('a document that is neither PDF nor text: 400 GW_UNSUPPORTED naming its type', async () => {
    const err = await caught(inlineAnthropicUrlSources({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://files.example/app.zip' } }] }] }, opts));
    expect([err.code, err.status]).toEqual(['GW_UNSUPPORTED', 400]);
    expect(err.message).toContain('application/zip');
  });
});
