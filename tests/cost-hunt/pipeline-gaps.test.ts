/**
 * Billing gaps that were in the pipeline (the request run and the stream encoding), not in the
 * usage mappers: a usage report after the finish, read after the client's answer was complete,
 * and a non-streamed converted answer without usage, estimated at 0 output tokens.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { ask, rowOf } from './client-calls.ts';
import { gatewayYaml } from './cost-gateway.ts';
import { geminiSse, startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';
import { geminiUsage, TEXT } from './wire-replies.ts';

let up: ScriptedUpstream;
let t: TestGateway;

beforeAll(async () => {
  up = await startScriptedUpstream();
  t = await startTestGateway(gatewayYaml(up.origin));
});
afterAll(async () => {
  await t?.stop();
  await up?.stop();
});

describe('pipeline billing gaps', () => {
  // core/pipeline/encoded-body.ts: with a part encoder that closes on the finish (Anthropic's
  // message_stop) the response ends at once and the rest of the source is read afterwards; the
  // books wait for it, so a usage part after the finish (Gemini's) is billed (it was 290, not 300).
  test('Anthropic client ← Gemini stream whose usage changes after the finish: the final usage is billed', async () => {
    up.next({
      sse: geminiSse([
        { candidates: [{ content: { parts: [{ text: TEXT.join('') }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(90), modelVersion: 'gemini-x' },
        { candidates: [], usageMetadata: geminiUsage(100), modelVersion: 'gemini-x' },
      ]),
    });
    const r = await ask(t, 'anthropic', 'to-gemini', true);
    expect(r.status).toBe(200);
    expect((await rowOf(t, r.requestId)).outputTokens).toBe(300);
  });

  // core/pipeline/request-run.ts `respondFinal`: a complete (non-streamed) result without usage
  // feeds its content to the meter, so the estimate counts the answer (it counted 0 output tokens).
  test('non-stream reply without usage, converted lane: the estimate counts the answer', async () => {
    const answer = 'x'.repeat(400);
    up.next({ json: { id: 'c', object: 'chat.completion', created: 1, model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] } });
    const r = await ask(t, 'anthropic', 'to-openai', false);
    expect(r.text).toBe(answer);
    const row = await rowOf(t, r.requestId);
    expect([row.estimated, row.outputTokens]).toEqual([true, 100]);
  });
});
