import { afterEach, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { chat, post, tally } from './limits-kit.ts';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const MOCKS = `
providers:
  primary: { type: mock }
  backup: { type: mock }
combos:
  ladder: { models: [primary/echo, backup/echo] }
`;

describe('rate-limit (real gateway, real concurrency)', () => {
  test('a key with RPM 60 admits exactly 60 of 100 concurrent requests; the rest get 429 + Retry-After', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: {}\n`);
    const { secret } = t.gw.keys.createKey({ name: 'rpm60', limits: { rpm: 60 } });
    const res = await Promise.all(Array.from({ length: 100 }, (_, i) => post(t!, chat('primary/echo', `n${i}`), { secret })));
    expect(tally(res.map((r) => r.status))).toEqual({ 200: 60, 429: 40 });
    const limited = res.find((r) => r.status === 429)!;
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = (await limited.json()) as { error: { type: string; code: string } };
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    const ok = res.find((r) => r.status === 200)!;
    expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('60');
    // Another key is not affected.
    expect((await post(t, chat('primary/echo'))).status).toBe(200);
  });

  test('a provider with RPM 60 as the only target admits exactly 60 of 100 concurrent requests', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: { providers: { primary: { rpm: 60 } }, max_wait_ms: 0 }\n`);
    const res = await Promise.all(Array.from({ length: 100 }, (_, i) => post(t!, chat('primary/echo', `p${i}`))));
    expect(tally(res.map((r) => r.status))).toEqual({ 200: 60, 429: 40 });
    const limited = res.find((r) => r.status === 429)!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(50);
    const body = (await limited.json()) as { error: { message: string } };
    expect(body.error.message).toContain('60 requests/min');
  });

  test('a limited target falls back to the next one instead of failing', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: { providers: { primary: { rpm: 2 } } }\n`);
    const res = await Promise.all(Array.from({ length: 6 }, (_, i) => post(t!, chat('ladder', `f${i}`))));
    expect(res.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    t.gw.usage.flush();
    const rows = t.gw.usage.recent(10, { model: 'ladder' });
    expect(tally(rows.map((r) => (r.provider === 'primary' ? 1 : 2)))).toEqual({ 1: 2, 2: 4 });
  });

  test('max concurrent queues requests on the last target; streams hold their slot until they end', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: { providers: { primary: { max_concurrent: 2 } }, max_wait_ms: 5000 }\n`);
    let active = 0;
    let peak = 0;
    const t0 = performance.now();
    const res = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const r = await post(t!, chat('primary/slow-80', `c${i}`, { stream: true }));
      active++;
      peak = Math.max(peak, active);
      await r.text();
      active--;
      return r.status;
    }));
    expect(res).toEqual([200, 200, 200, 200, 200, 200]);
    expect(peak).toBeLessThanOrEqual(2);
    // Six streams of several 80 ms parts, two at a time: at least three rounds.
    expect(performance.now() - t0).toBeGreaterThan(3 * 160);
  });

  test('a bounded wait that runs out answers 429 on the last target', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: { providers: { primary: { max_concurrent: 1 } }, max_wait_ms: 50 }\n`);
    const slow = post(t, chat('primary/slow-1500', 'x'));
    await Bun.sleep(50);
    const t0 = performance.now();
    const r = await post(t, chat('primary/echo', 'y'));
    expect(r.status).toBe(429);
    // Refused when its 50 ms wait ran out, long before the slot holder finished.
    expect(performance.now() - t0).toBeLessThan(1000);
    expect((await slow).status).toBe(200);
    expect((await post(t, chat('primary/echo', 'z'))).status).toBe(200);
  });

  test('key TPM counts real usage; limits change on reload without resetting the window', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: { keys: { rpm: 2 } }\n`);
    expect((await post(t, chat('primary/echo'))).status).toBe(200);
    expect((await post(t, chat('primary/echo'))).status).toBe(200);
    expect((await post(t, chat('primary/echo'))).status).toBe(429);
    await t.writeConfig(`${MOCKS}plugins:\n  - rate-limit: { keys: { rpm: 3 } }\n`);
    expect((await post(t, chat('primary/echo'))).status).toBe(200);
    expect((await post(t, chat('primary/echo'))).status).toBe(429);

    const { secret } = t.gw.keys.createKey({ name: 'tpm', limits: { tpm: 40 } });
    const long = 'word '.repeat(40);
    const first = await post(t, chat('primary/echo', long), { secret });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('40');
    const second = await post(t, chat('primary/echo', 'short'), { secret });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { message: string } }).error.message).toContain('tokens per minute');
  });

  test('a chat reserves its estimated prompt: tools by their schema, an image at a flat 1,000, not its base64 length', async () => {
    t = await startTestGateway(`${MOCKS}plugins:\n  - rate-limit: {}\n`);
    const { secret } = t.gw.keys.createKey({ name: 'tpm', limits: { tpm: 100_000 } });
    const image = { type: 'image_url', image_url: { url: `data:image/png;base64,${'A'.repeat(200_000)}` } };
    const tool = { type: 'function', function: { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } } };
    const body = chat('primary/echo', 'x', {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, image] }],
      tools: [tool],
    });
    const r = await post(t, body, { secret });
    expect(r.status).toBe(200);
    // 4 per message + 13 / 4 + 1,000 for the image + (9 + 13 + 17) / 4 for the tool = 1,017, rounded up.
    expect(r.headers.get('x-ratelimit-remaining-tokens')).toBe(String(100_000 - 1017));
  });
});
