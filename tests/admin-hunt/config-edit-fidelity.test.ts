/**
 * Config edits change only the edited text (admin-api.md: comments, blank lines, key order and
 * formatting elsewhere stay byte-for-byte). A value holding a line break, such as a multi-line
 * system prompt saved from the settings page, was rendered into a flow entry (`{ … }`) or over a
 * scalar as a block scalar starting at column 0; the result disagreed with the document model,
 * and the editor wrote the normalized document instead: every comment's spacing and every flow
 * list of the file changed.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startAdminGateway, type AdminGateway } from '../admin/admin-kit.ts';

const CONFIG = `# hand-written, keep my layout
server:
  host: 127.0.0.1   # local only
  cors_origins: []

providers:
  mock: { type: mock, models: [echo, tools] }   # flow style on purpose

combos:
  pair: { strategy: fill-first, models: [mock/echo, mock/tools], options: { note: "x" } }

plugins:
  - system-prompt: { rules: [ { text: "be brief" } ] }   # the house prompt
`;

let t: AdminGateway;
beforeAll(async () => {
  t = await startAdminGateway(CONFIG);
});
afterAll(() => t.stop());

/** The file without the lines that hold `marker`. */
const without = (text: string, marker: string) => text.split('\n').filter((l) => !l.includes(marker)).join('\n');

describe('a value with line breaks changes only its own entry', () => {
  test('a multi-line system prompt replaces a flow entry in place', async () => {
    const text = 'You are terse.\nAnswer in English.\n\n  Keep code blocks.';
    const res = await t.admin('/api/plugins/system-prompt/config', { method: 'PUT', json: { config: { rules: [{ text }] } } });
    expect(res.status).toBe(200);
    const after = await Bun.file(t.gw.configFile).text();
    expect(without(after, 'system-prompt')).toBe(without(CONFIG, 'system-prompt'));
    const rules = (t.gw.config().plugins.find((p) => typeof p === 'object' && p !== null && 'system-prompt' in p) as Record<string, { rules: Array<{ text: string }> }>)['system-prompt']!.rules;
    expect(rules[0]!.text).toBe(text);
  });

  test('a multi-line option of a flow combo, and a line break over a plain scalar', async () => {
    const before = await Bun.file(t.gw.configFile).text();
    const res = await t.admin('/api/combos/pair', { method: 'PATCH', json: { options: { note: 'first line\nsecond line' } } });
    expect(res.status).toBe(200);
    const after = await Bun.file(t.gw.configFile).text();
    expect(without(after, 'pair:')).toBe(without(before, 'pair:'));
    expect(t.gw.config().combos.pair!.options).toEqual({ note: 'first line\nsecond line' });
  });
});
