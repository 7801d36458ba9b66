import { describe, expect, test } from 'bun:test';
import type { Message } from '../../../core/types/hub.ts';
import { buildSummaryRequest } from './build-summary-request.ts';
import { SUMMARY_REQUEST } from './compact-prompt.ts';
import type { ResponsesRequestBody } from './responses-request-schema.ts';
import { httpInput } from './responses-test-kit.ts';

function build(body: Partial<ResponsesRequestBody>, items: unknown[]) {
  return buildSummaryRequest(httpInput(body, '/v1/responses/compact'), { model: 'm', ...body } as ResponsesRequestBody, items);
}

const texts = (m: Message) => m.content.map((p) => (p.type === 'text' ? p.text : p.type)).join('|');

describe('buildSummaryRequest', () => {
  test('instructions as system prompt, the conversation, then the summary request; not streamed, never from a cache', () => {
    const req = build({ instructions: 'Be Codex.' }, [{ role: 'user', content: 'fix it' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'on it' }] }]);
    expect(req).toMatchObject({ operation: 'chat', model: 'm', stream: false, mustCall: true });
    expect(req.raw).toBeUndefined();
    expect(req.body.messages.map((m) => `${m.role}: ${texts(m)}`)).toEqual(['system: Be Codex.', 'user: fix it', 'assistant: on it', `user: ${SUMMARY_REQUEST}`]);
    expect(req.body.tools).toBeUndefined();
    expect(req.body.toolChoice).toBeUndefined();
  });

  test('only the function and custom tools stay, not to be called; a tool the history calls without a definition is declared', () => {
    const req = build({
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }, { type: 'web_search' }, { type: 'custom', name: 'apply_patch' }],
      tool_choice: 'required', reasoning: { effort: 'high' }, text: { format: { type: 'json_object' } },
    } as Partial<ResponsesRequestBody>, [
      { role: 'user', content: 'go' },
      { type: 'function_call', call_id: 'c1', name: 'old_tool', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ]);
    expect(req.body.tools?.map((t) => t.name)).toEqual(['shell', 'apply_patch', 'old_tool']);
    expect(req.body.toolChoice).toBe('none');
    expect(req.body.nativeOnly).toBeUndefined();
    expect(req.body.reasoning).toBeUndefined();
    expect(req.body.responseFormat).toBeUndefined();
  });

  test('items only OpenAI can read are left out, and tool results left without their call with them', () => {
    const req = build({}, [
      { role: 'user', content: 'go' },
      { type: 'compaction', encrypted_content: 'gAAAA' },
      { type: 'local_shell_call', call_id: 'ls1', status: 'completed', action: { type: 'exec', command: ['ls'] } },
      { type: 'function_call_output', call_id: 'ls1', output: 'a.txt' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'bun' } },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'listed' }] },
    ]);
    expect(req.body.messages.map((m) => `${m.role}: ${texts(m)}`)).toEqual(['user: go', 'assistant: listed', `user: ${SUMMARY_REQUEST}`]);
    expect(req.body.nativeOnly).toBeUndefined();
  });
});
