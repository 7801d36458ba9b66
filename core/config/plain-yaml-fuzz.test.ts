import { describe, expect, test } from 'bun:test';
import { isPlainSubset } from './plain-yaml.ts';
import { yamlPackage } from './yaml-package.ts';
import { random } from '../../tests/helpers/json-fuzz.ts';

/**
 * Random config-shaped texts: nested block mappings and sequences, one-line flow collections,
 * block scalars, comments, and scalars and keys the two parsers might read apart (YAML 1.1
 * booleans, null spellings, hex and octal with signs or past 2^53, timestamps, `${ENV}`).
 */
function randomYaml(rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const scalars = [
    'a', 'x y', 'yes', 'no', 'on', 'Off', 'y', '~', 'null', 'NULL', 'true', 'True', '1', '0', '-1', '0x1F', '-0x10', '+0o7', '017',
    '0o7777777777777777777777', '0xFFFFFFFFFFFFFFFFFF', '9007199254740993', '1e3', '.5', '1.0', '.inf', '-.NaN', '1_000', '2001-01-01',
    '12:00', 'http://h:1/v1', 'a:b', 'a #c', 'a#b', '${A}', '${A:-b}', 'é', '"q"', "'s'", '"a: b"', "'a # b'", '"a, b"', '""', "''",
    '-x', '@x', '`x', '%x', '!x', '&x', '*x', '|x', '? x', '[a]', '{a: b}', '[a, [b]]', '{a: {b: c}}', '[]', '{}', '{a: }', '[a, ]',
    '{a: [1, 0x10]}', '[{a: 1}]', '[-0x1, +0o7]', '{~: 1}', '{null: 1}', '{: 1}', '{"": 1}', 'a: b: c', 'a, b', '<<', 'a\\b', '"\\\\"',
  ];
  const keys = [
    'a', 'b', 'key', 'type', 'x y', '"q"', "'s'", '"a: b"', '1', '0x10', '-0x10', '+0o7', 'yes', 'on', '~', 'null', 'Null', '""', '',
    '-k', 'k-', '@k', 'a.b', 'a/b', 'a*', 'a:b', '%k', 'é', '$k',
  ];
  const block = (depth: number, ind: number): string[] => {
    const pad = ' '.repeat(ind);
    const lines: string[] = [];
    const n = 1 + Math.floor(rnd() * 3);
    if (depth < 3 && rnd() < 0.3) {
      for (let i = 0; i < n; i++) {
        const r = rnd();
        const sub = r >= 0.5 && r < 0.8 ? block(depth + 1, ind + 2) : [];
        if (sub.length > 0 && !sub[0]!.trimStart().startsWith('-')) lines.push(`${pad}- ${sub[0]!.trimStart()}`, ...sub.slice(1));
        else if (r >= 0.8) lines.push(`${pad}-`, ...block(depth + 1, ind + pick([1, 2, 4])));
        else lines.push(`${pad}- ${pick(scalars)}`);
      }
      return lines;
    }
    for (let i = 0; i < n; i++) {
      const key = pick(keys);
      const r = rnd();
      if (r < 0.5 || depth >= 3) {
        lines.push(`${pad}${key}${pick([': ', ':  ', ' : '])}${pick(scalars)}${rnd() < 0.2 ? pick([' # c', '  #c']) : ''}`);
      } else if (r < 0.62) {
        lines.push(`${pad}${key}: ${pick(['|', '>', '|-', '>+', '|2', '|+'])}`);
        const body = ind + pick([1, 2, 3]);
        for (let j = 1 + Math.floor(rnd() * 3); j > 0; j--) {
          lines.push(rnd() < 0.15 ? '' : ' '.repeat(body + (rnd() < 0.2 ? 1 : 0)) + pick(['text', 'a: b', '- x', '# kept', '"q"']));
        }
      } else if (r < 0.7) {
        lines.push(`${pad}${key}:`);
      } else {
        lines.push(`${pad}${key}:${rnd() < 0.2 ? ' # c' : ''}`, ...block(depth + 1, ind + pick([0, 1, 2, 4])));
      }
      if (rnd() < 0.1) lines.push(pick(['', '# comment', `${pad}# c`]));
    }
    return lines;
  };
  return block(0, 0).join('\n') + (rnd() < 0.8 ? '\n' : '');
}

/** JSON that keeps what JSON drops (non-finite numbers, big integers), for comparing parses. */
function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `number ${v}` : typeof v === 'bigint' ? `bigint ${v}` : v));
}

describe('plainYaml: the subset it hands to Bun agrees with the yaml package (differential fuzz)', () => {
  test('every random text the subset check accepts parses alike in Bun and in the yaml package, or Bun throws (the package then reads it)', () => {
    const { parse } = yamlPackage();
    let accepted = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const text = randomYaml(random(seed));
      if (!isPlainSubset(text)) continue;
      let native: unknown;
      try {
        native = Bun.YAML.parse(text);
      } catch {
        continue; // `plainYaml` answers undefined: the yaml package reads it
      }
      accepted++;
      let reference: unknown;
      try {
        reference = parse(text, { uniqueKeys: true });
      } catch (e) {
        throw new Error(`seed ${seed}: Bun read what the yaml package refuses (${String(e).split('\n')[0]}):\n${text}`);
      }
      if (show(native) !== show(reference)) throw new Error(`seed ${seed}:\n${text}\nBun:  ${show(native)}\nyaml: ${show(reference)}`);
    }
    // Not vacuous: a good share of the texts took the native path.
    expect(accepted).toBeGreaterThan(600);
  });
});
