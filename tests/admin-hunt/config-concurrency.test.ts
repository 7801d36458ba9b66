/**
 * A dashboard save never loses another write of the config file. The editor read the file,
 * waited (an async read), then wrote its edit of what it had read: a hand edit (or any other
 * program's write) landing in that gap was overwritten by the stale text. Edits through the API
 * were serialized, so only writes from outside the editor were lost; admin-api.md promises they
 * are kept.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway();
});
afterAll(() => t.stop());

describe('dashboard saves and hand edits at the same time', () => {
  test('every save and every hand edit is in the file at the end', async () => {
    // Hand edits: a comment line added every 2 ms, each a whole read-modify-write of the file.
    const hand: string[] = [];
    const timer = setInterval(() => {
      const line = `# hand edit ${hand.length}`;
      hand.push(line);
      writeFileSync(t.gw.configFile, `${line}\n${readFileSync(t.gw.configFile, 'utf8')}`);
    }, 2);
    // Four waves of five concurrent saves, with a pause between waves so hand edits land
    // between and during them however fast or loaded the machine is.
    const saves: Response[] = [];
    for (let wave = 0; wave < 4; wave++) {
      saves.push(...await Promise.all(Array.from({ length: 5 }, (_, j) =>
        t.admin(`/api/combos/c${wave * 5 + j}`, { method: 'PUT', json: { models: ['mock/echo'] } }))));
      await Bun.sleep(15);
    }
    clearInterval(timer);
    // A refusal's body says why (a half-written file it read, a reload that read one…).
    expect(await Promise.all(saves.map(async (r) => (r.status === 201 ? 201 : `${r.status} ${await r.text()}`)))).toEqual(Array(20).fill(201));
    expect(hand.length).toBeGreaterThan(3);
    const text = readFileSync(t.gw.configFile, 'utf8');
    expect(Array.from({ length: 20 }, (_, i) => `c${i}`).filter((c) => !text.includes(`  ${c}:`))).toEqual([]);
    expect(hand.filter((line) => !text.includes(line))).toEqual([]);
  }, 20_000);
});
