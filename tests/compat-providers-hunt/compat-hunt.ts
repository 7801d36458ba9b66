import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'bun:test';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

/** A file's hunt: the gateway and scripted upstream of `yaml`, an OpenAI SDK client, reset before each test. */
export interface CompatHunt {
  readonly h: Hunt;
  readonly oai: OpenAI;
}

/** Registers the file's lifecycle hooks for a hunt on `yaml` (UPSTREAM stands for the scripted upstream). */
export function useCompatHunt(yaml: string): CompatHunt {
  let h: Hunt | undefined;
  let oai: OpenAI | undefined;
  beforeAll(async () => {
    h = await startHunt(yaml);
    oai = new OpenAI({ apiKey: h.gw.key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => h?.stop());
  beforeEach(() => h!.up.reset());
  return {
    get h() {
      return h!;
    },
    get oai() {
      return oai!;
    },
  };
}
