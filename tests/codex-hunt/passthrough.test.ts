/**
 * Codex → gateway → OpenAI Responses upstream (the passthrough lane): every field and input item
 * Codex sends reaches the upstream unchanged but for `model`, and the upstream's SSE comes back
 * byte for byte, parsed by the `openai` SDK.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { codexBody, codexPreamble, MODEL, parseSse, postRaw, startCodexGateway, type CodexGateway, type Json } from './codex-kit.ts';
import { responsesFrames, type ResponsesScript } from './responses-frames.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

const ENC = 'gAAAAABo-encrypted-reasoning-payload==';

const TURN1: ResponsesScript = {
  id: 'resp_0a1b2c', model: 'gpt-5-codex',
  output: [
    { id: 'rs_01', type: 'reasoning', summary: [{ type: 'summary_text', text: '**Inspecting files** I will list the repo.' }], encrypted_content: ENC },
    { id: 'fc_01', type: 'function_call', status: 'completed', arguments: '{"command":["bash","-lc","ls -la"],"workdir":"/home/dev/project"}', call_id: 'call_shell1', name: 'shell' },
    { id: 'ctc_01', type: 'custom_tool_call', status: 'completed', call_id: 'call_patch1', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n' },
  ],
  usage: { input_tokens: 3100, input_tokens_details: { cached_tokens: 2048 }, output_tokens: 240, output_tokens_details: { reasoning_tokens: 128 }, total_tokens: 3340 },
};

/** Turn 2 input: everything Codex sends back (reasoning, calls of every kind and their outputs). */
function turn2Input(): Json[] {
  return [
    ...codexPreamble('List the files, then add a.txt.'),
    ...TURN1.output,
    { type: 'function_call_output', call_id: 'call_shell1', output: 'total 0\ndrwxr-xr-x  2 dev dev 40 .\n' },
    { type: 'custom_tool_call_output', call_id: 'call_patch1', output: 'Success. Updated the following files:\nA a.txt\n' },
    { type: 'local_shell_call', id: 'lsh_01', call_id: 'call_local1', status: 'completed', action: { type: 'exec', command: ['bash', '-lc', 'cat a.txt'], env: {}, timeout_ms: 10000, working_directory: '/home/dev/project' } },
    { type: 'function_call_output', call_id: 'call_local1', output: '{"output":"hi\\n","metadata":{"exit_code":0,"duration_seconds":0.1}}' },
    { type: 'web_search_call', id: 'ws_01', status: 'completed', action: { type: 'search', query: 'lark grammar' } },
    { type: 'message', role: 'assistant', id: 'msg_01', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks. Anything else?' }] },
  ];
}

describe('Codex → Responses upstream (passthrough)', () => {
  test('turn 1: fields reach the upstream unchanged; the SDK parses the stream (reasoning, function call, custom tool call)', async () => {
    g.up.next({ sse: responsesFrames(TURN1) });
    const body = codexBody(MODEL.responses, codexPreamble('List the files, then add a.txt.'));
    const stream = g.client.responses.stream(body as never);
    const types: string[] = [];
    let args = '';
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    }
    const final = await stream.finalResponse();
    expect(g.up.lastBody()).toEqual({ ...body, model: 'gpt-5-codex' });
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types.at(-1)).toBe('response.completed');
    expect(JSON.parse(args)).toEqual({ command: ['bash', '-lc', 'ls -la'], workdir: '/home/dev/project' });
    expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'custom_tool_call']);
    expect((final.output[0] as { encrypted_content?: string }).encrypted_content).toBe(ENC);
    expect((final.output[2] as { input?: string }).input).toContain('*** Add File: a.txt');
    expect(final.usage?.output_tokens_details.reasoning_tokens).toBe(128);
  });

  test('turn 1: the SSE bytes come back exactly as the upstream sent them', async () => {
    const frames = responsesFrames(TURN1);
    g.up.next({ sse: frames });
    const res = await postRaw(g.gw, codexBody(MODEL.responses, codexPreamble('List the files.')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toBe(frames.join(''));
    const seq = parseSse(text).map((f) => f.data.sequence_number);
    expect(seq).toEqual(seq.map((_, i) => i));
  });

  test('turn 2: every replayed item type (reasoning, function/custom/local shell calls and outputs, web search) reaches the upstream unchanged', async () => {
    const reply: ResponsesScript = {
      id: 'resp_0a1b2d', model: 'gpt-5-codex',
      output: [{ id: 'msg_02', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Nothing else.', annotations: [], logprobs: [] }] }],
      usage: { input_tokens: 3500, input_tokens_details: { cached_tokens: 3072 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 3505 },
    };
    g.up.next({ sse: responsesFrames(reply) });
    const body = codexBody(MODEL.responses, turn2Input(), [...(codexBody('x', []).tools as Json[]), { type: 'local_shell' }, { type: 'web_search' }]);
    const stream = g.client.responses.stream(body as never);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Nothing else.');
    expect(g.up.lastBody()).toEqual({ ...body, model: 'gpt-5-codex' });
  });
});
