/**
 * The set-up of the tests that play an upstream's exact answers (tests/gemini-cli-hunt/
 * scripted-upstream.ts): one scripted upstream, a gateway whose `providers:` section is
 * `providers` (`UPSTREAM` standing for the upstream's origin), the official SDKs pointed at the
 * gateway, and the upstream's record cleared before each test.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'bun:test';
import { startScriptedUpstream, type ScriptedUpstream } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export interface ScriptedKit {
  readonly up: ScriptedUpstream;
  readonly t: TestGateway;
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
}

export function useScriptedKit(providers: string): ScriptedKit {
  let up: ScriptedUpstream | undefined;
  let t: TestGateway | undefined;
  let openai: OpenAI | undefined;
  let anthropic: Anthropic | undefined;
  beforeAll(async () => {
    up = await startScriptedUpstream();
    t = await startTestGateway(`providers:\n${providers.replaceAll('UPSTREAM', up.url)}`);
    openai = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0 });
    anthropic = new Anthropic({ apiKey: t.key, baseURL: t.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.stop();
    await up?.stop();
  });
  beforeEach(() => up!.reset());
  return {
    get up() { return up!; },
    get t() { return t!; },
    get openai() { return openai!; },
    get anthropic() { return anthropic!; },
  };
}
