/**
 * Ending a session ends everything it opened. The live event feed (`GET /api/events`) is one
 * long response: opened with a session, it kept streaming every request's events after that
 * session was logged out, replaced by a password change or cleared by `reset-password`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, cookieOf, PASSWORD, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway();
  await t.setupAndLogin();
});
afterAll(() => t.stop());

async function login(): Promise<string> {
  const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: t.url }, body: JSON.stringify({ password: PASSWORD }) });
  expect(res.status).toBe(200);
  return cookieOf(res);
}

/** Opens the feed and collects its text until it ends (or `stop` is called). */
async function openFeed(headers: Record<string, string>) {
  const res = await fetch(`${t.url}/api/events?types=request:received`, { headers });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const feed = { text: '', ended: false, stop: () => reader.cancel().catch(() => {}) };
  void (async () => {
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (r.done) break;
      feed.text += decoder.decode(r.value);
    }
    feed.ended = true;
  })();
  while (!feed.text.includes('event: ready')) await Bun.sleep(10);
  return feed;
}

const chat = (content: string) => t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'mock/echo', messages: [{ role: 'user', content }] } });

/** Waits up to `ms` for the feed to end. */
async function ends(feed: { ended: boolean }, ms = 3000): Promise<boolean> {
  for (const until = Date.now() + ms; !feed.ended && Date.now() < until;) await Bun.sleep(20);
  return feed.ended;
}

describe('the live feed of a session that ended stops', () => {
  test('logout ends the feed; no later request reaches it', async () => {
    const cookie = await login();
    const feed = await openFeed({ cookie });
    expect((await chat('while logged in')).status).toBe(200);
    await t.settled();
    while (!feed.text.includes('request:received')) await Bun.sleep(10);
    expect((await t.session(cookie, '/api/auth/logout', { method: 'POST' })).status).toBe(200);
    expect(await ends(feed)).toBe(true);
    const seen = feed.text.split('event: request:received').length;
    expect((await chat('after logout')).status).toBe(200);
    await t.settled();
    await Bun.sleep(50);
    expect(feed.text.split('event: request:received').length).toBe(seen);
  });

  test('a password change ends the other sessions\' feeds, not its own; the admin token\'s feed goes on', async () => {
    const mine = await login();
    const other = await login();
    const own = await openFeed({ cookie: mine });
    const theirs = await openFeed({ cookie: other });
    const token = await openFeed({ authorization: `Bearer ${t.gw.adminToken}` });
    expect((await t.session(mine, '/api/auth/password', { method: 'POST', json: { current: PASSWORD, password: 'a new password 2' } })).status).toBe(200);
    expect(await ends(theirs)).toBe(true);
    expect((await chat('after the change')).status).toBe(200);
    await t.settled();
    for (const until = Date.now() + 2000; !(own.text.includes('request:received') && token.text.includes('request:received')) && Date.now() < until;) await Bun.sleep(20);
    expect([own.ended, token.ended]).toEqual([false, false]);
    expect(own.text).toContain('request:received');
    expect(token.text).toContain('request:received');
    own.stop();
    token.stop();
  });
});
