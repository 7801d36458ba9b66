import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

/** Reads the first chunk of a streamed reply, then hangs up (the client cancels). */
async function readOneAndCancel(res: Response): Promise<void> {
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
}

describe('rate-limit: key TPM and streams the client cancels', () => {
  test('a cancelled stream keeps counting the tokens it used against the key TPM', async () => {
    t = await startTestGateway(`providers:\n  primary: { type: mock }\nplugins:\n  - rate-limit: {}\n`);
    const { secret } = t.gw.keys.createKey({ name: 'tpm', limits: { tpm: 150 } });
    const long = 'word '.repeat(60);
    // Each request is ~85 tokens of input: the first two fit under 150, the third does not.
    for (let i = 0; i < 2; i++) {
      const res = await post(t, chat('primary/slow-100', `${long}${i}`, { stream: true }), { secret });
      expect(res.status).toBe(200);
      await readOneAndCancel(res);
      await Bun.sleep(50);
      await t.settled();
    }
    const third = await post(t, chat('primary/echo', long), { secret });
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { message: string } }).error.message).toContain('tokens per minute');
  });
});
