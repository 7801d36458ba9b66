import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { validateGeminiRequest } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { sanitizeGeminiParameters, sanitizeGeminiSchema } from './sanitize-gemini-schema.ts';

const FIXTURES = `${import.meta.dir}/../../../../shared/fixtures`;

/** The mock's validator, on a request that declares `parameters` as one function. */
function geminiAccepts(parameters: unknown): string | undefined {
  return validateGeminiRequest({
    contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    tools: [{ functionDeclarations: [{ name: 'f', parameters }] }],
  });
}

describe('sanitizeGeminiSchema', () => {
  test('drops JSON-Schema-only keys Gemini rejects, keeps the allowed ones', () => {
    const out = sanitizeGeminiSchema({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'x', $comment: 'c', title: 'T', description: 'D', type: 'object', additionalProperties: false,
      patternProperties: { '^x': { type: 'string' } }, default: {}, examples: [{}],
      properties: { a: { type: 'string', minLength: 1, maxLength: 5, pattern: '^a', default: 'a', examples: ['a'] } },
      required: ['a', 'missing'],
    });
    expect(out).toEqual({
      type: 'object', title: 'T', description: 'D',
      properties: { a: { type: 'string', minLength: 1, maxLength: 5 } },
      required: ['a'],
    });
  });

  test('inlines $ref from $defs and definitions, and stops at recursion', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      $defs: { Point: { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] } },
      definitions: { Node: { type: 'object', properties: { next: { $ref: '#/definitions/Node' }, v: { type: 'integer' } } } },
      properties: { p: { $ref: '#/$defs/Point', description: 'where' }, n: { $ref: '#/definitions/Node' }, bad: { $ref: 'http://x/y' } },
    });
    expect(out.properties).toEqual({
      p: { type: 'object', description: 'where', properties: { x: { type: 'number' } }, required: ['x'] },
      n: { type: 'object', properties: { next: { type: 'object' }, v: { type: 'integer' } } },
      bad: { type: 'object' },
    });
  });

  test('nullable unions: type arrays, anyOf/oneOf with null', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], description: 'list' },
        c: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        d: { type: ['string', 'number'] },
        e: { type: 'null' },
      },
    });
    expect(out.properties).toEqual({
      a: { type: 'string', nullable: true },
      b: { type: 'array', items: { type: 'string' }, description: 'list', nullable: true },
      c: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      d: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      e: { type: 'string', nullable: true },
    });
  });

  test('const and enum become string enums; non-string enums are dropped', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      properties: {
        kind: { const: 'circle' },
        color: { type: 'string', enum: ['red', 'green'] },
        size: { type: 'integer', enum: [1, 2, 3] },
        flag: { const: true },
        maybe: { enum: ['x', null] },
      },
    });
    expect(out.properties).toEqual({
      kind: { type: 'string', enum: ['circle'] },
      color: { type: 'string', enum: ['red', 'green'] },
      size: { type: 'integer' },
      flag: { type: 'boolean' },
      maybe: { type: 'string', enum: ['x'], nullable: true },
    });
  });

  test('formats: only those Gemini knows per type', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        uri: { type: 'string', format: 'uri' },
        email: { type: 'string', format: 'email' },
        f: { type: 'number', format: 'float' },
        i: { type: 'integer', format: 'int64' },
        u: { type: 'integer', format: 'uint8' },
      },
    });
    expect(out.properties).toEqual({
      when: { type: 'string', format: 'date-time' },
      uri: { type: 'string' },
      email: { type: 'string' },
      f: { type: 'number', format: 'float' },
      i: { type: 'integer', format: 'int64' },
      u: { type: 'integer' },
    });
  });

  test('allOf is merged; tuple items become one schema; implicit types are filled', () => {
    const out = sanitizeGeminiSchema({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { items: [{ type: 'number' }] } }, required: ['b'] },
      ],
    });
    expect(out).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'number' } } },
      required: ['a', 'b'],
    });
  });

  test('a type named like a member of every object (constructor, __proto__) is no type Gemini knows: its format goes', () => {
    for (const type of ['constructor', '__proto__', 'toString']) {
      const out = sanitizeGeminiSchema({ type: 'object', properties: { a: { type, format: 'date-time' } } });
      expect((out.properties as Record<string, Record<string, unknown>>).a!.format).toBeUndefined();
    }
  });

  test('the input is not mutated', () => {
    const input = { type: 'object', additionalProperties: false, properties: { a: { type: ['string', 'null'] } } };
    const copy = structuredClone(input);
    sanitizeGeminiSchema(input);
    expect(input).toEqual(copy);
  });

  test('parameters: an object without properties means no parameters', () => {
    expect(sanitizeGeminiParameters({ type: 'object', properties: {}, additionalProperties: false })).toBeUndefined();
    expect(sanitizeGeminiParameters({})).toBeUndefined();
    expect(sanitizeGeminiParameters({ type: 'object', properties: { q: { type: 'string' } } })).toEqual({
      type: 'object', properties: { q: { type: 'string' } },
    });
  });

  test('what comes out passes the API rules the mock enforces (and the raw input would not)', () => {
    const fixture = JSON.parse(readFileSync(`${FIXTURES}/gemini/generateContent-responseJsonSchema.request.json`, 'utf8'));
    const raw = fixture.body.generationConfig.responseJsonSchema;
    expect(geminiAccepts(raw)).toContain('Unknown name');
    const clean = sanitizeGeminiParameters(raw);
    expect(geminiAccepts(clean)).toBeUndefined();
    expect(clean?.properties).toMatchObject({
      nullableField: { type: 'string', nullable: true },
      nullableObjectField: { type: 'object', nullable: true, required: ['innerString', 'innerNumber'] },
      unionField: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      stringDatatime: { type: 'string', format: 'date-time' },
    });
    const fn = JSON.parse(readFileSync(`${FIXTURES}/gemini/generateContent-functionCall.request.json`, 'utf8'));
    const params = fn.body.tools[0].functionDeclarations[0].parametersJsonSchema;
    expect(geminiAccepts(params)).toContain('$schema');
    expect(geminiAccepts(sanitizeGeminiParameters(params))).toBeUndefined();
  });
});
