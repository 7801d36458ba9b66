/**
 * An upstream for the security review's end-to-end tests: each request gets the next queued
 * reply (any status, headers and body), and a 500 when none is queued. One gateway in front of
 * it with a provider per wire format, and one provider whose key is the canary: a secret in no
 * credential shape, so only the registered-secret redaction can catch it.
 */
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** A configured key that looks like nothing: pattern-based redaction cannot know it. */
export const CANARY = 'quietmeadow7harborlantern';

export interface ReplyingGateway {
  t: TestGateway;
  /** Queues the reply to the next upstream request. */
  next(reply: () => Response): void;
  stop(): Promise<void>;
}

export async function startReplyingGateway(): Promise<ReplyingGateway> {
  const replies: Array<() => Response> = [];
  const upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: () => replies.shift()?.() ?? Response.json({ error: { message: 'nothing queued', type: 'server_error' } }, { status: 500 }),
  });
  const origin = `http://127.0.0.1:${upstream.port}`;
  const t = await startTestGateway(`
providers:
  oai: { type: openai, base_url: "${origin}/v1", keys: [sk-oai-1234567890], allow_private_network: true }
  gem: { type: gemini, base_url: "${origin}", keys: [AIza-test-1234567890], allow_private_network: true }
  canary: { type: openai, base_url: "${origin}/v1", keys: ["${CANARY}"], allow_private_network: true }
`);
  return {
    t,
    next: (reply) => void replies.push(reply),
    async stop() {
      await t.stop();
      upstream.stop(true);
    },
  };
}
