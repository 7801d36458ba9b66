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
