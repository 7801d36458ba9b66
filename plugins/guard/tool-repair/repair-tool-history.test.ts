import { describe, expect, test } from 'bun:test';
import type { Message } from '../../../core/types/hub.ts';
import { repairToolHistory } from './repair-tool-history.ts';

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const calls = (...ids: string[]): Message => ({ role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, ...ids.map((id) => ({ type: 'tool-call' as const, id, name: `tool_${id}`, arguments: '{}' }))] });
const results = (...ids: string[]): Message => ({ role: 'tool', content: ids.map((id) => ({ type: 'tool-result' as const, toolCallId: id, content: [{ type: 'text' as const, text: `out ${id}` }] })) });
const interrupted = (...ids: string[]): Message => ({
  role: 'tool', content: ids.map((id) => ({ type: 'tool-result' as const, toolCallId: id, name: `tool_${id}`, content: [{ type: 'text' as const, text: 'gone' }], isError: true })),
});

describe('repairToolHistory', () => {
  test('a paired history is left alone', () => {
    expect(repairToolHistory([user('q'), calls('a', 'b'), results('a'), results('b'), user('next')], 'gone')).toBeUndefined();
    expect(repairToolHistory([user('q')], 'gone')).toBeUndefined();
  });

  test('an interrupted call (the user typed on instead) is answered right after its run of results, before the user turn', () => {
    const history = [user('q'), calls('a', 'b'), results('a'), user('stop that, do this instead')];
    const before = structuredClone(history);
    expect(repairToolHistory(history, 'gone')).toEqual({
      messages: [user('q'), calls('a', 'b'), results('a'), interrupted('b'), user('stop that, do this instead')],
      answered: 1, dropped: 0,
    });
    expect(history).toEqual(before);
  });

  test('calls left open at the end of the history, and in an earlier turn', () => {
    const r = repairToolHistory([user('q'), calls('a'), user('again'), calls('b', 'c')], 'gone')!;
    expect(r.messages).toEqual([user('q'), calls('a'), interrupted('a'), user('again'), calls('b', 'c'), interrupted('b', 'c')]);
    expect(r.answered).toBe(3);
  });

  test('results of calls the history does not hold are left out; a tool message left empty goes', () => {
    const r = repairToolHistory([user('q'), results('ghost'), calls('a'), results('a', 'stale'), user('next')], 'gone')!;
    expect(r.messages).toEqual([user('q'), calls('a'), results('a'), user('next')]);
    expect([r.answered, r.dropped]).toEqual([0, 2]);
  });
});
