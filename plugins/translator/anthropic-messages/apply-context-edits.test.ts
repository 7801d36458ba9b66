import { describe, expect, test } from 'bun:test';
import type { ChatRequest, Message } from '../../../core/types/hub.ts';
import { applyClearToolUses, CLEARED, clearToolUsesEdit } from './apply-context-edits.ts';

/** A tool loop: the task, then `n` calls of `read` (or `grep` for odd i) with 2,000-character results. */
function loop(n: number): ChatRequest {
  const messages: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'task' }] }];
  for (let i = 0; i < n; i++) {
    const name = i % 2 === 0 ? 'read' : 'grep';
    messages.push({ role: 'assistant', content: [{ type: 'tool-call', id: `t${i}`, name, arguments: `{"path":"f${i}"}` }] });
    messages.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: `t${i}`, content: [{ type: 'text', text: `r${i} `.padEnd(2000, 'x') }] }] });
  }
  return { model: 'm', messages, stream: false };
}
const results = (c: ChatRequest) => c.messages.flatMap((m) => m.content).filter((p) => p.type === 'tool-result').map((p) => (p.type === 'tool-result' && p.content[0]?.type === 'text' ? p.content[0].text.slice(0, 3) : ''));
const edit = (over: Record<string, unknown> = {}) => clearToolUsesEdit({ edits: [{ type: 'clear_tool_uses_20250919', ...over }] })!;

describe('clear_tool_uses, done by the gateway', () => {
  test('past the trigger, all results but the last `keep` are cleared; the request given is untouched', () => {
    const chat = loop(6);
    const out = applyClearToolUses(chat, edit({ trigger: { type: 'input_tokens', value: 1000 }, keep: { type: 'tool_uses', value: 2 } }))!;
    expect(results(out)).toEqual(['[Th', '[Th', '[Th', '[Th', 'r4 ', 'r5 ']);
    expect(results(chat)).toEqual(['r0 ', 'r1 ', 'r2 ', 'r3 ', 'r4 ', 'r5 ']);
    expect(out.messages[2]!.content[0]).toMatchObject({ type: 'tool-result', content: [{ type: 'text', text: CLEARED }] });
    // The calls themselves stay (their results still answer them).
    expect(out.messages[1]!.content[0]).toMatchObject({ type: 'tool-call', arguments: '{"path":"f0"}' });
  });

  test('under the trigger, or nothing old enough: no change', () => {
    expect(applyClearToolUses(loop(6), edit())).toBeUndefined(); // default trigger 100,000 tokens
    expect(applyClearToolUses(loop(2), edit({ trigger: { type: 'input_tokens', value: 10 } }))).toBeUndefined(); // keep 3 by default
  });

  test('the declared tools count toward the trigger', () => {
    const trigger = { trigger: { type: 'input_tokens', value: 5000 } };
    expect(applyClearToolUses(loop(6), edit(trigger))).toBeUndefined(); // about 3,100 tokens of messages
    const schema = { type: 'object', properties: { path: { type: 'string', description: 'd'.repeat(10_000) } } };
    const withTools = { ...loop(6), tools: [{ name: 'read', description: 'Reads a file.', parameters: schema }] };
    expect(results(applyClearToolUses(withTools, edit(trigger))!)).toEqual(['[Th', '[Th', '[Th', 'r3 ', 'r4 ', 'r5 ']);
  });

  test('exclude_tools, clear_tool_inputs and clear_at_least', () => {
    const low = { trigger: { type: 'input_tokens', value: 100 }, keep: { type: 'tool_uses', value: 1 } };
    expect(results(applyClearToolUses(loop(4), edit({ ...low, exclude_tools: ['grep'] }))!)).toEqual(['[Th', 'r1 ', '[Th', 'r3 ']);
    const inputs = applyClearToolUses(loop(3), edit({ ...low, clear_tool_inputs: true }))!;
    expect(inputs.messages[1]!.content[0]).toMatchObject({ type: 'tool-call', arguments: '{}' });
    expect(applyClearToolUses(loop(3), edit({ ...low, clear_at_least: { type: 'input_tokens', value: 5000 } }))).toBeUndefined();
  });

  test('only a clear_tool_uses edit is read', () => {
    expect(clearToolUsesEdit(undefined)).toBeUndefined();
    expect(clearToolUsesEdit({ edits: [{ type: 'clear_thinking_20251015' }] })).toBeUndefined();
    expect(clearToolUsesEdit({ edits: [{ type: 'clear_tool_uses_20250919' }] })).toMatchObject({ trigger: 100_000, keep: 3, clearAtLeast: 0, clearInputs: false });
  });
});
