/**
 * Codex replays every reasoning item with its `encrypted_content`, which only the OpenAI
 * organization (or ChatGPT account) that made it can decrypt. When the gateway serves the next
 * turn from another account (a fallback after a 429, round-robin keys of two organizations), the
 * upstream refuses the whole request with 400 `invalid_encrypted_content`, and every later turn
 * of the session replays the same items: the session is dead. The gateway sends the turn again
 * without those reasoning items, as a client would have to.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { BadRequestError } from 'openai';
import { codexBody, codexPreamble, startCodexGateway, type CodexGateway, type Json } from './codex-kit.ts';
import { responsesFrames } from './responses-frames.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});
beforeEach(() => g.up.server.reset());

const ORG_A_REASONING = 'gAAAAABo-made-by-organization-A==';

/** Turn 2 as Codex sends it: the first turn's reasoning, call and output, without item ids. */
function turn2Input(): Json[] {
  return [
    ...codexPreamble('Run the tests.'),
    { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Run bun test.' }], content: null, encrypted_content: ORG_A_REASONING },
    { type: 'function_call', name: 'shell', arguments: '{"command":["bun","test"]}', call_id: 'call_t1' },
    { type: 'function_call_output', call_id: 'call_t1', output: '3 pass\n0 fail' },
  ];
}

const answer = (text: string) => responsesFrames({
  id: 'resp_b1', model: 'gpt-5-codex',
  output: [{ id: 'msg_b1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }],
  usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 54 },
});

const REJECTIONS: Array<[string, Json]> = [
  ['OpenAI API (code invalid_encrypted_content)', { error: { message: `The encrypted content ${ORG_A_REASONING.slice(0, 8)}...== could not be verified.`, type: 'invalid_request_error', param: null, code: 'invalid_encrypted_content' } }],
  ['ChatGPT backend (code null)', { error: { message: 'The encrypted content gAAA...A== could not be verified. Reason: Encrypted content could not be decrypted or parsed.', type: 'invalid_request_error', param: null, code: null } }],
];

describe('Codex → combo of two OpenAI organizations: the turn after a fallback', () => {
  test.each(REJECTIONS)('%s: the refused turn is sent again without the foreign reasoning items and the session goes on', async (_label, rejection) => {
    g.up.next(
      { status: 429, headers: { 'retry-after': '30' }, json: { error: { message: 'Rate limit reached.', type: 'requests', param: null, code: 'rate_limit_exceeded' } } },
      { status: 400, json: rejection },
      { sse: answer('All 3 tests pass.') },
    );
    const body = codexBody('codex-pool', turn2Input());
    const final = await g.client.responses.stream(body as never).finalResponse();
    expect(final.output_text).toBe('All 3 tests pass.');

    const sent = g.up.server.requests.map((r) => r.body as Json);
    expect(sent).toHaveLength(3);
    expect(sent[1]).toEqual({ ...body, model: 'gpt-5-codex' });
    const retried = sent[2].input as Json[];
    expect(retried.map((i) => i.type)).toEqual(['message', 'message', 'message', 'function_call', 'function_call_output']);
    const { input: _retriedInput, ...retriedRest } = sent[2];
    const { input: _input, ...rest } = body;
    expect(retriedRest).toEqual({ ...rest, model: 'gpt-5-codex' });
  });

  test('a replay with item ids (SDK style): the ids the reasoning vouched for go with it, the rest stays', async () => {
    g.up.next({ status: 400, json: REJECTIONS[0][1] }, { sse: answer('Done.') });
    const input = [
      { type: 'message', role: 'user', id: 'msg_user1', content: [{ type: 'input_text', text: 'Run the tests.' }] },
      { type: 'reasoning', id: 'rs_a1', summary: [], encrypted_content: ORG_A_REASONING },
      { type: 'function_call', id: 'fc_a1', name: 'shell', arguments: '{"command":["bun","test"]}', call_id: 'call_t1', status: 'completed' },
      { type: 'function_call_output', call_id: 'call_t1', output: 'ok' },
      { type: 'message', role: 'assistant', id: 'msg_a2', status: 'completed', content: [{ type: 'output_text', text: 'Tests pass.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Thanks.' }] },
    ];
    const final = await g.client.responses.stream(codexBody('rsp/gpt-5-codex', input) as never).finalResponse();
    expect(final.output_text).toBe('Done.');
    const retried = (g.up.server.requests[1].body as Json).input as Json[];
    expect(retried.map((i) => [i.type, i.id])).toEqual([
      ['message', 'msg_user1'], ['function_call', undefined], ['function_call_output', undefined], ['message', undefined], ['message', undefined],
    ]);
  });

  test('a rejection with no encrypted reasoning in the request is not retried: the client gets the 400', async () => {
    g.up.next({ status: 400, json: REJECTIONS[0][1] });
    const err = await g.client.responses.create(codexBody('rsp/gpt-5-codex', codexPreamble('Hi.')) as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).code).toBe('invalid_encrypted_content');
    expect(g.up.server.requests.length).toBe(1);
  });
});
