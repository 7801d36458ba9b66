/**
 * docs/troubleshooting.md quotes the gateway's own messages (lines starting with `> `, `…` where
 * a value goes). Each fixed piece of each quote must be in the source of `core/` or `plugins/`,
 * so a reworded message fails here until the page follows. Links to other docs must resolve.
 */
import { describe, expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dir, '..');
const doc = readFileSync(join(ROOT, 'docs', 'troubleshooting.md'), 'utf8');
const quotes = [...doc.matchAll(/^> (.+)$/gm)].map((m) => m[1]!.trim());

const glob = new Bun.Glob('{core,plugins}/**/*.ts');
const source = [...glob.scanSync({ cwd: ROOT })]
  .filter((f) => !f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(ROOT, f), 'utf8'))
  .join('\n');

describe('docs/troubleshooting.md', () => {
  test('quotes messages', () => {
    expect(quotes.length).toBeGreaterThanOrEqual(10);
  });

  for (const quote of quotes) {
    test(`"${quote}" is what the code says`, () => {
      const pieces = quote.split('…').map((p) => p.trim()).filter((p) => p.length >= 6);
      expect(pieces.length).toBeGreaterThan(0);
      for (const piece of pieces) expect([piece, source.includes(piece)]).toEqual([piece, true]);
    });
  }

  test('links to other docs resolve', () => {
    for (const m of doc.matchAll(/\]\(([a-z-]+\.md)(#[^)]*)?\)/g)) expect([m[1], existsSync(join(ROOT, 'docs', m[1]!))]).toEqual([m[1], true]);
  });
});
