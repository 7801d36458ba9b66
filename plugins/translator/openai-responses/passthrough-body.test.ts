import { describe, expect, test } from 'bun:test';
import { passthroughBody } from './passthrough-body.ts';
import { sealReasoning } from './reasoning-envelope.ts';

describe('passthroughBody', () => {
  const call = { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' };
  const own = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAB-own' };

  test("OpenAI's own reasoning and other items pass as the same object", () => {
    const body = { model: 'm', store: false, input: [{ role: 'user', content: 'hi' }, own, call] };
    expect(passthroughBody(body)).toBe(body);
  });

  test('enveloped (foreign) reasoning and stateless items without payload are left out of a copy', () => {
    const foreign = { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: sealReasoning({ origin: 'anthropic', signature: 'EqSig' })! };
    const minted = { type: 'reasoning', id: 'rs_3', summary: [{ type: 'summary_text', text: 'thought' }] };
    const body = { model: 'm', store: false, input: [foreign, minted, own, call] };
    const out = passthroughBody(body);
    expect(out.input).toEqual([own, call]);
    expect(body.input).toHaveLength(4);
    expect(passthroughBody({ ...body, store: true }).input).toEqual([minted, own, call]);
  });

  test('a string input is left alone', () => {
    const body = { model: 'm', input: 'hello' };
    expect(passthroughBody(body)).toBe(body);
  });
});
