import { GoogleGenAI } from '@google/genai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { startScriptedUpstream, type ScriptedUpstream } from './scripted-upstream.ts';

export interface Hunt {
  gw: TestGateway;
  up: ScriptedUpstream;
  /** `@google/genai` pointed at the gateway, as Gemini CLI configures it (`v1beta`). */
  ai: GoogleGenAI;
  stop(): Promise<void>;
}

/**
 * One scripted upstream and a gateway in front of it. `providers` is the YAML of the
 * `providers:` and `aliases:` sections, with `UPSTREAM` standing for the upstream's origin.
 */
export async function startHunt(providers: string): Promise<Hunt> {
  const up = await startScriptedUpstream();
  const gw = await startTestGateway(providers.replaceAll('UPSTREAM', up.url));
  const ai = new GoogleGenAI({ apiKey: gw.key, httpOptions: { baseUrl: gw.url, apiVersion: 'v1beta' } });
  return { gw, up, ai, stop: async () => { await gw.stop(); await up.stop(); } };
}
