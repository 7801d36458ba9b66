import { describe, expect, test } from 'bun:test';
import type { Message } from '../../../core/types/hub.ts';
import { overflowSize } from './overflow-size.ts';
import { estimateTokens } from '../../../core/util/estimate-tokens.ts';
import { cutMiddle, trimMessages } from './trim-messages.ts';

const text = (role: Message['role'], t: string): Message => ({ role, content: [{ type: 'text', text: t }] });
const call = (id: string, args: string): Message => ({ role: 'assistant', content: [{ type: 'tool-call', id, name: 'read_file', arguments: args }] });
const result = (id: string, t: string): Message => ({ role: 'tool', content: [{ type: 'tool-result', toolCallId: id, content: [{ type: 'text', text: t }] }] });

/** A coding session: system, task, then rounds of tool call + result, then the last question. */
function session(rounds: number, resultChars = 4000): Message[] {
  const m: Message[] = [text('system', 'You are a coding agent.'), text('user', 'Fix the failing test in src/app.ts')];
  for (let i = 0; i < rounds; i++) m.push(call(`c${i}`, `{"path":"src/f${i}.ts"}`), result(`c${i}`, `file ${i} `.padEnd(resultChars, 'x')));
  m.push(text('assistant', 'I found it.'), text('user', 'Now run the tests.'));
  return m;
}

describe('trimMessages', () => {
  test('drops the oldest turns whole, keeps system, task and the last turn, pairs intact', () => {
    const m = session(10);
    const before = estimateTokens({ messages: m });
    const cut = trimMessages(m, before / 2)!;
    expect(cut.truncatedParts).toBe(0);
    expect(estimateTokens({ messages: cut.messages })).toBeLessThanOrEqual(before / 2);
    expect(cut.messages.slice(0, 2)).toEqual(m.slice(0, 2));
    expect(cut.messages.slice(-2)).toEqual(m.slice(-2));
    expect(cut.droppedMessages).toBe(m.length - cut.messages.length);
    // Every kept tool result still follows its call.
    for (const [i, msg] of cut.messages.entries()) {
      const part = msg.content[0]!;
      if (part.type === 'tool-result') expect(cut.messages[i - 1]!.content[0]).toMatchObject({ type: 'tool-call', id: part.toolCallId });
    }
    // The newest rounds are the ones kept.
    const kept = cut.messages.flatMap((x) => x.content).filter((p) => p.type === 'tool-call').map((p) => p.type === 'tool-call' && p.id);
    expect(kept.at(-1)).toBe('c9');
    expect(kept).not.toContain('c0');
  });

  test('a conversation of one huge turn has its longest text cut in the middle', () => {
    const m = [text('system', 'sys'), text('user', 'task'), call('c1', '{}'), result('c1', `HEAD${'y'.repeat(100_000)}TAIL`)];
    const cut = trimMessages(m, 10_000)!;
    expect(cut.droppedMessages).toBe(0);
    expect(cut.truncatedParts).toBe(1);
    const t = (cut.messages[3]!.content[0] as { content: Array<{ text: string }> }).content[0]!.text;
    expect(t.startsWith('HEAD')).toBe(true);
    expect(t.endsWith('TAIL')).toBe(true);
    expect(t).toContain('characters removed by Switchyard');
    expect(estimateTokens({ messages: cut.messages })).toBeLessThanOrEqual(10_100);
    // The client's request is left as it was.
    expect((m[3]!.content[0] as { content: Array<{ text: string }> }).content[0]!.text).toHaveLength(100_008);
  });

  test('nothing to remove: undefined', () => {
    expect(trimMessages([text('user', 'hi')], 0)).toBeUndefined();
    expect(trimMessages(session(2), 1e9)).toBeUndefined();
  });

  test('cutMiddle never splits a surrogate pair', () => {
    const s = '😀'.repeat(10);
    const out = cutMiddle(s, 5);
    expect(out.includes('\ufffd')).toBe(false);
    expect([...out.split('\n')[0]!].every((c) => c === '😀')).toBe(true);
    expect([...out.split('\n')[2]!].every((c) => c === '😀')).toBe(true);
  });
});

describe('overflowSize', () => {
  test.each([
    ["This model's maximum context length is 8192 tokens. However, your messages resulted in 9150 tokens. Please reduce the length of the messages.", { limit: 8192, prompt: 9150 }],
    ["This model's maximum context length is 8192 tokens. However, you requested 9000 tokens (8000 in the messages, 1000 in the completion).", { limit: 8192, prompt: 8000, completion: 1000 }],
    ['prompt is too long: 210,512 tokens > 200,000 maximum', { limit: 200_000, prompt: 210_512 }],
    ['The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).', { limit: 1_048_576, prompt: 1_200_000 }],
    ['Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length', { limit: 32768, prompt: 40000 }],
    ['the request exceeds the available context size, try increasing it', {}],
  ])('%s', (message, size) => {
    expect(overflowSize(message)).toEqual(size);
  });
});
