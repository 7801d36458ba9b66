/**
 * The set-up of the tests that play an upstream's exact answers (tests/gemini-cli-hunt/
 * scripted-upstream.ts): one scripted upstream, a gateway whose `providers:` section is
 * `providers` (`UPSTREAM` standing for the upstream's origin), the official SDKs pointed at the
 * gateway, and the upstream's record cleared before each test.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { beforeEach } from 'bun:test';
import { startScriptedUpstream, type ScriptedUpstream } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { useKit } from '../helpers/use-kit.ts';

export interface ScriptedKit {
  readonly up: ScriptedUpstream;
  readonly t: TestGateway;
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
}

export function useScriptedKit(providers: string): ScriptedKit {
  const kit = useKit(async () => {
    const up = await startScriptedUpstream();
    const t = await startTestGateway(`providers:\n${providers.replaceAll('UPSTREAM', up.url)}`);
    return {
      up, t,
      openai: new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 }),
      anthropic: new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 }),
    };
  }, async ({ up, t }) => {
    await t.stop();
    await up.stop();
  });
  beforeEach(() => kit.up.reset());
  return kit;
}

/**
 * Claude Code's tool round, in the Messages API's shapes: the user asks to read `a`, the assistant
 * calls Read as `id` (after a thinking block, when `thinking` is given), and the user sends its
 * result (with the text `then` beside it, when given).
 */
export function claudeReadRound(o: { id?: string; thinking?: string; then?: string } = {}): { messages: Anthropic.MessageParam[]; tools: Anthropic.Tool[] } {
  const id = o.id ?? 'toolu_1';
  const call: Anthropic.ContentBlockParam[] = [{ type: 'tool_use', id, name: 'Read', input: { path: 'a' } }];
  if (o.thinking !== undefined) call.unshift({ type: 'thinking', thinking: o.thinking, signature: '' });
  const result: Anthropic.ContentBlockParam[] = [{ type: 'tool_result', tool_use_id: id, content: 'file a' }];
  if (o.then !== undefined) result.push({ type: 'text', text: o.then });
  return {
    messages: [{ role: 'user', content: 'Read a' }, { role: 'assistant', content: call }, { role: 'user', content: result }],
    tools: [{ name: 'Read', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
  };
}
