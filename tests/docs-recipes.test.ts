/**
 * Every YAML block of docs/recipes.md is a config the gateway accepts: loaded with the code of
 * `switchyard check` (schema, references, presets, each listed plugin's settings), with the
 * variables it references set. A recipe that drifts from the code fails here.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkConfigFile } from '../core/config/check-command.ts';

const doc = readFileSync(resolve(import.meta.dir, '..', 'docs', 'recipes.md'), 'utf8');
/** Every YAML block, named after its section (a section may have several). */
const blocks = doc.split(/^## /m).slice(1).flatMap((section) => {
  const title = section.slice(0, section.indexOf('\n'));
  return [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, n) => ({ title: n === 0 ? title : `${title} (${n + 1})`, yaml: m[1]! }));
});
const dir = mkdtempSync(join(tmpdir(), 'switchyard-recipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/recipes.md', () => {
  test('has its recipes', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  for (const [i, b] of blocks.entries()) {
    test(`"${b.title}" is a valid config`, async () => {
      const env: Record<string, string> = {};
      for (const m of b.yaml.matchAll(/\$\{(\w+)/g)) env[m[1]!] = m[1] === 'SLACK_WEBHOOK_URL' ? 'https://hooks.slack.com/services/T0/B0/x' : `test-${m[1]!.toLowerCase()}-value`;
      const file = join(dir, `recipe-${i}.yaml`);
      writeFileSync(file, b.yaml);
      const out = await checkConfigFile(file, env);
      expect(out.lines.join('\n')).toContain('is valid');
      expect(out.ok).toBe(true);
    });
  }
});
