import { describe, expect, test } from 'bun:test';
import { parseDocument } from 'yaml';
import { interpolateDocument, interpolateString } from './interpolate-env.ts';

describe('interpolateString', () => {
  const env = { A: 'alpha', EMPTY: '', B: 'be ta' };

  test.each([
    ['plain text', 'plain text'],
    ['${A}', 'alpha'],
    ['x-${A}-${B}-y', 'x-alpha-be ta-y'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-used-when-empty}', 'used-when-empty'],
    ['${A:-ignored}', 'alpha'],
    ['${MISSING:-}', ''],
    ['${MISSING:-a:b/c?d=e}', 'a:b/c?d=e'],
    ['$${A}', '${A}'],
    ['cost $5 and ${A}', 'cost $5 and alpha'],
  ])('%p -> %p', (input, expected) => {
    const r = interpolateString(input, env);
    expect(r).toMatchObject({ ok: true, value: expected });
  });

  test('reports which values came from the environment (not defaults)', () => {
    const r = interpolateString('${A}/${MISSING:-d}/${B}', env);
    expect(r.ok && r.fromEnv).toEqual(['alpha', 'be ta']);
  });

  test('an unset variable names the variable', () => {
    const r = interpolateString('key=${NOT_SET}', env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('NOT_SET');
  });

  test('an empty variable without default counts as unset', () => {
    expect(interpolateString('${EMPTY}', env).ok).toBe(false);
  });

  test('malformed references are errors that do not echo their text', () => {
    const unterminated = interpolateString('${A', env);
    expect(unterminated.ok).toBe(false);
    // A nested default would otherwise use the literal text "${B" as the value (an API key).
    const nested = interpolateString('${UNSET_X:-${B}}', env);
    expect(nested.ok).toBe(false);
    const bad = interpolateString('${sk-pasted-secret-value}', env);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).not.toContain('sk-pasted');
  });
});

describe('interpolateDocument', () => {
  test('expands values only, never keys, and types whole unquoted references', () => {
    const doc = parseDocument('${K}: ${PORT}\nq: "${PORT}"\nb: ${FLAG}\ns: ${TOKEN}\nlist: ["${TOKEN}", x]\n');
    const r = interpolateDocument(doc, { K: 'key', PORT: '8080', FLAG: 'true', TOKEN: 'tok-123456' });
    expect(r.ok).toBe(true);
    expect(doc.toJS()).toEqual({ '${K}': 8080, q: '8080', b: true, s: 'tok-123456', list: ['tok-123456', 'x'] });
    expect(r.ok && r.secrets).toEqual(['8080', 'tok-123456']);
  });

  test('a value full of YAML syntax is inserted verbatim', () => {
    const nasty = "]: {x} # 'quote\" \n- item";
    const doc = parseDocument('a: ${V}\nb: ["${V}"]\n');
    const r = interpolateDocument(doc, { V: nasty });
    expect(r.ok).toBe(true);
    expect(doc.toJS()).toEqual({ a: nasty, b: [nasty] });
  });

  test('stops at the first failure and gives its source range', () => {
    const text = 'a: ok\nb: ${NOPE}\n';
    const doc = parseDocument(text);
    const r = interpolateDocument(doc, {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(text.slice(r.range?.[0], r.range?.[1])).toBe('${NOPE}');
  });

  test('every unset variable is named in one message, located at the first; a malformed reference still stops', () => {
    const text = 'a: ${GROQ_KEY}\nb: ${DEEPSEEK_KEY}\nc: ${GROQ_KEY}\nd: ${SET}\n';
    const r = interpolateDocument(parseDocument(text), { SET: 'x' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe('environment variable GROQ_KEY is not set (use ${GROQ_KEY:-default} for a fallback); also not set: DEEPSEEK_KEY');
    expect(text.slice(r.range?.[0], r.range?.[1])).toBe('${GROQ_KEY}');
    const bad = interpolateDocument(parseDocument('a: ${1x}\nb: ${NOPE}\n'), {});
    expect(bad.ok === false && bad.message).toContain('invalid variable reference');
  });
});
