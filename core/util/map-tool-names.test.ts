import { describe, expect, test } from 'bun:test';
import type { ChatRequest, ChatResult, StreamPart } from '../types/hub.ts';
import { ANTHROPIC_TOOL_NAMES, GEMINI_TOOL_NAMES, mapToolNames, OPENAI_TOOL_NAMES } from './map-tool-names.ts';
import { streamOf } from './stream-of.ts';

const LONG = 'mcp__claude_ai_Atlassian_Production__getConfluencePageFooterCommentsWithReplies';
const params = { type: 'object', properties: {} };

function request(names: string[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm', stream: false,
    tools: names.map((name) => ({ name, parameters: params })),
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: names.map((name, i) => ({ type: 'tool-call' as const, id: `c${i}`, name, arguments: '{}' })) },
      { role: 'tool', content: names.map((name, i) => ({ type: 'tool-result' as const, toolCallId: `c${i}`, name, content: [{ type: 'text' as const, text: 'ok' }] })) },
    ],
    ...extra,
  };
}

function upstreamNames(req: ChatRequest): string[] {
  return req.tools!.map((t) => t.name);
}

describe('mapToolNames', () => {
  test('every name valid: undefined, nothing copied', () => {
    expect(mapToolNames(request(['Read', 'mcp__github__create_issue', 'a-b_c']), OPENAI_TOOL_NAMES)).toBeUndefined();
    expect(mapToolNames(request(['fs.read_file', 'github:search']), GEMINI_TOOL_NAMES)).toBeUndefined();
    expect(mapToolNames(request([LONG]), ANTHROPIC_TOOL_NAMES)).toBeUndefined();
  });

  test('a name too long is cut with a hash suffix; valid names stay; every place is renamed alike', () => {
    const names = mapToolNames(request(['Read', LONG], { toolChoice: { type: 'tool', name: LONG } }), OPENAI_TOOL_NAMES)!;
    const [read, long] = upstreamNames(names.request);
    expect(read).toBe('Read');
    expect(long).toHaveLength(64);
    expect(long).toMatch(new RegExp(`^${LONG.slice(0, 55)}_[0-9a-f]{8}$`));
    expect(names.request.toolChoice).toEqual({ type: 'tool', name: long });
    const [, assistant, tool] = names.request.messages;
    expect(assistant!.content.map((p) => (p as { name: string }).name)).toEqual(['Read', long]);
    expect(tool!.content.map((p) => (p as { name: string }).name)).toEqual(['Read', long]);
    expect(names.toClient(long!)).toBe(LONG);
    expect(names.toClient('Read')).toBe('Read');
  });

  test('stable: the same name maps the same way whatever else the request holds', () => {
    const a = mapToolNames(request([LONG]), OPENAI_TOOL_NAMES)!;
    const b = mapToolNames(request(['Bash', 'Edit', LONG]), OPENAI_TOOL_NAMES)!;
    expect(upstreamNames(a.request)[0]).toBe(upstreamNames(b.request)[2]!);
  });

  test('refused characters become _; names that would collide get distinct hashed names', () => {
    const names = mapToolNames(request(['github.search', 'fs.read', 'fs:read', 'fs_write', 'fs.write']), OPENAI_TOOL_NAMES)!;
    const up = upstreamNames(names.request);
    expect(up[0]).toBe('github_search');
    expect(up[1]).toMatch(/^fs_read_[0-9a-f]{8}$/);
    expect(up[2]).toMatch(/^fs_read_[0-9a-f]{8}$/);
    expect(up[1]).not.toBe(up[2]!);
    expect(up[3]).toBe('fs_write');
    expect(up[4]).toMatch(/^fs_write_[0-9a-f]{8}$/);
    expect(up.map(names.toClient)).toEqual(['github.search', 'fs.read', 'fs:read', 'fs_write', 'fs.write']);
    for (const n of up) expect(n).toMatch(OPENAI_TOOL_NAMES.valid);
  });

  test('Gemini: keeps . and :, needs a letter or _ first, 64 at most', () => {
    const names = mapToolNames(request(['fs.read', '1password/get', `x${'y'.repeat(70)}`]), GEMINI_TOOL_NAMES)!;
    const up = upstreamNames(names.request);
    expect(up[0]).toBe('fs.read');
    expect(up[1]).toBe('_1password_get');
    expect(up[2]).toHaveLength(64);
    for (const n of up) expect(n).toMatch(GEMINI_TOOL_NAMES.valid);
  });

  test('Anthropic: 128 characters pass, dots do not', () => {
    const names = mapToolNames(request([`a${'b'.repeat(127)}`, 'fs.read']), ANTHROPIC_TOOL_NAMES)!;
    expect(upstreamNames(names.request)).toEqual([`a${'b'.repeat(127)}`, 'fs_read']);
  });

  test('replies come back with the client names, streamed or not; other names untouched', async () => {
    const names = mapToolNames(request(['Read', LONG]), OPENAI_TOOL_NAMES)!;
    const long = upstreamNames(names.request)[1]!;
    const result: ChatResult = {
      id: 'r', model: 'm', finishReason: 'tool-calls',
      content: [{ type: 'text', text: 'x' }, { type: 'tool-call', id: 'a', name: long, arguments: '{}' }, { type: 'tool-call', id: 'b', name: 'Read', arguments: '{}' }],
    };
    expect(names.restoreResult(result).content.map((p) => (p.type === 'tool-call' ? p.name : p.type))).toEqual(['text', LONG, 'Read']);
    const parts: StreamPart[] = [
      { type: 'start', id: 'r', model: 'm' },
      { type: 'tool-call-start', id: 'a', name: long, index: 0 },
      { type: 'tool-call-delta', id: 'a', index: 0, argumentsDelta: '{}' },
      { type: 'tool-call-end', id: 'a', index: 0 },
      { type: 'tool-call-start', id: 'b', name: 'Unknown', index: 1 },
    ];
    const out = await Array.fromAsync(names.restoreStream(streamOf(parts)));
    expect(out.flatMap((p) => (p.type === 'tool-call-start' ? [p.name] : []))).toEqual([LONG, 'Unknown']);
    expect(out).toHaveLength(parts.length);
  });
});
