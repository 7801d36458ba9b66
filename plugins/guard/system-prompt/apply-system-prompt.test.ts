import { expect, test } from 'bun:test';
import type { Message } from '../../../core/types/hub.ts';
import { applySystemPrompt } from './apply-system-prompt.ts';
import { compileModelGlobs } from '../../../core/util/model-glob.ts';

const msg = (role: Message['role'], text: string): Message => ({ role, content: [{ type: 'text', text }] });
const texts = (ms: Message[]) => ms.map((m) => `${m.role}:${m.content[0]?.type === 'text' ? m.content[0].text : ''}`);
const convo = [msg('system', 'a'), msg('system', 'b'), msg('user', 'q'), msg('system', 'late')];

test('prepend, append after the leading system block, replace every system message', () => {
  expect(texts(applySystemPrompt(convo, 'prepend', 'X'))).toEqual(['system:X', 'system:a', 'system:b', 'user:q', 'system:late']);
  expect(texts(applySystemPrompt(convo, 'append', 'X'))).toEqual(['system:a', 'system:b', 'system:X', 'user:q', 'system:late']);
  expect(texts(applySystemPrompt(convo, 'replace', 'X'))).toEqual(['system:X', 'user:q']);
  expect(texts(applySystemPrompt([msg('user', 'q')], 'append', 'X'))).toEqual(['system:X', 'user:q']);
  expect(texts(applySystemPrompt(convo, 'replace', ''))).toEqual(['user:q']);
  expect(applySystemPrompt(convo, 'prepend', '')).toEqual(convo);
});

test('model globs', () => {
  const m = compileModelGlobs(['groq/*', 'gpt-4?', '*claude*']);
  expect(m('groq/llama-3.3-70b')).toBe(true);
  expect(m('GROQ/x')).toBe(true);
  expect(m('gpt-4o')).toBe(true);
  expect(m('gpt-4o-mini')).toBe(false);
  expect(m('anthropic/claude-sonnet-4')).toBe(true);
  expect(m('openai/gpt-4o')).toBe(false);
  expect(compileModelGlobs(['a.b'])('axb')).toBe(false);
});
