import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { validateGeminiRequest } from '../../../tests/helpers/mock-gemini-upstream.ts';
import { geminiParameters, sanitizeGeminiSchema } from './sanitize-gemini-schema.ts';

const sanitizeGeminiParameters = (schema: unknown) => geminiParameters(schema).parameters;

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

  test('a union stands alone: its description and nullable go to each branch', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      properties: {
        id: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }], description: 'Issue id' },
        tags: { type: ['string', 'array'], items: { type: 'string' }, description: 'One or many', minLength: 1, minItems: 1 },
        nested: { anyOf: [{ anyOf: [{ type: 'string' }, { type: 'number' }] }, { type: 'boolean' }] },
      },
    });
    expect(out.properties).toEqual({
      id: { anyOf: [
        { type: 'string', description: 'Issue id', nullable: true },
        { type: 'integer', description: 'Issue id', nullable: true },
      ] },
      tags: { anyOf: [
        { type: 'string', description: 'One or many', minLength: 1 },
        { type: 'array', items: { type: 'string' }, description: 'One or many', minItems: 1 },
      ] },
      nested: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    });
  });

  test('every array gets typed items; items on anything else go', () => {
    const { parameters, jsonText } = geminiParameters({
      type: 'object',
      properties: {
        bare: { type: 'array', description: 'Ids' },
        union: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] }, maxItems: 3 },
        pair: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }] },
        mixed: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] },
        // DigitalOcean's MCP server: a string that carries its allowed values in `items`.
        region: { type: 'string', items: { type: 'string', enum: ['nyc1', 'sfo3'] } },
        flag: { type: 'boolean', items: { type: 'string' } },
      },
    });
    expect(parameters!.properties).toEqual({
      bare: { type: 'array', description: 'Ids', items: { type: 'string', description: '(any JSON value, written as JSON text)' } },
      union: { anyOf: [
        { type: 'array', maxItems: 3, items: { type: 'string' } },
        { type: 'array', maxItems: 3, items: { type: 'number' } },
      ] },
      pair: { type: 'array', items: { type: 'number' } },
      mixed: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }] },
      region: { type: 'string', enum: ['nyc1', 'sfo3'] },
      flag: { type: 'boolean' },
    });
    expect(jsonText).toEqual([['bare', null]]);
  });

  test('a value Gemini cannot describe is JSON text in parameters, with the path to read it back', () => {
    const { parameters, jsonText } = geminiParameters({
      type: 'object',
      properties: {
        headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'HTTP headers' },
        value: { description: 'Anything' },
        request: { type: 'object', properties: { body: true, query: { type: 'object', properties: {} } } },
        rows: { type: 'array', items: { type: 'object' } },
        either: { anyOf: [{ type: 'object' }, { type: 'string' }] },
        loop: { $ref: '#/properties/loop' },
      },
      required: ['headers'],
    });
    expect(parameters!.properties).toEqual({
      headers: { type: 'string', description: 'HTTP headers (a JSON object, written as JSON text)' },
      value: { type: 'string', description: 'Anything (any JSON value, written as JSON text)' },
      request: { type: 'object', properties: {
        body: { type: 'string', description: '(any JSON value, written as JSON text)' },
        query: { type: 'string', description: '(a JSON object, written as JSON text)' },
      } },
      rows: { type: 'array', items: { type: 'string', description: '(a JSON object, written as JSON text)' } },
      either: { anyOf: [{ type: 'string', description: '(a JSON object, written as JSON text)' }, { type: 'string' }] },
      loop: { type: 'string', description: '(a JSON object, written as JSON text)' },
    });
    expect(parameters!.required).toEqual(['headers']);
    // Inside a union there is no one path to read back: that branch stays text.
    expect(jsonText).toEqual([['headers'], ['value'], ['request', 'body'], ['request', 'query'], ['rows', null], ['loop']]);
  });

  test('in a response schema a value of any type is a string, and an open object stays', () => {
    expect(sanitizeGeminiSchema({ type: 'object', properties: { v: {}, m: { type: 'object' } } }).properties).toEqual({
      v: { type: 'string' }, m: { type: 'object' },
    });
  });

  test('enums: strings only, no empty ones, no repeats; bounds only on their own type', () => {
    const out = sanitizeGeminiSchema({
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['', 'fast', 'fast', 'slow'] },
        blank: { enum: [''] },
        name: { type: 'string', minLength: 1, minimum: 2, minItems: 3 },
        n: { type: 'integer', minimum: 0, maxLength: 4 },
        kind: { type: 'STRING', enum: ['a'] },
      },
    });
    expect(out.properties).toEqual({
      mode: { type: 'string', enum: ['fast', 'slow'] },
      blank: { type: 'string' },
      name: { type: 'string', minLength: 1 },
      n: { type: 'integer', minimum: 0 },
      kind: { type: 'string', enum: ['a'] },
    });
  });

  test('MCP tool schemas Gemini refused in the field pass the rules the mock enforces', () => {
    const field: unknown[] = [
      // github_create_pull_request_review: anyOf beside type and description.
      { type: 'object', properties: { comments: { type: 'array', description: 'Comments', items: { type: 'object', properties: {
        path: { type: 'string' }, position: { anyOf: [{ type: 'number' }, { type: 'null' }], description: 'Line' },
        line: { anyOf: [{ type: 'number' }, { type: 'string' }], description: 'Line or range' },
        side: { type: 'string', enum: ['LEFT', 'RIGHT'], anyOf: [{ const: 'LEFT' }, { const: 'RIGHT' }] },
      } } } } },
      // An array without items, a Postman-like map of variables, numeric enums (ClickUp's max_depth).
      { type: 'object', properties: { deliverables: { type: 'array' }, variables: { type: 'object', additionalProperties: true },
        max_depth: { type: 'integer', enum: [1, 2, 3] } } },
      // jsonschema-go's nullable list, and Cloudflare's migrations: items under a union type.
      { type: 'object', properties: { roles: { type: ['null', 'array'], items: { type: 'string' } },
        migrations: { type: ['array', 'string'], items: { type: 'object', properties: { sql: { type: 'string' } } } } } },
      // A draft-07 tuple, a 2020-12 tuple of arrays without items, a value of any type.
      { type: 'object', properties: { where: { type: 'array', items: { type: 'array', prefixItems: [{ type: 'string' }, { enum: ['eq', 'ne'] }, {}] } },
        point: { items: [{ type: 'number' }, { type: 'number' }] }, value: {} } },
    ];
    for (const schema of field) {
      expect(geminiAccepts(schema)).toBeDefined();
      expect(geminiAccepts(sanitizeGeminiParameters(schema))).toBeUndefined();
    }
  });
});
