import { describe, expect, test } from 'bun:test';
import { toolsWithArrayItems, withArrayItems, withoutPatterns } from './openai-tool-schemas.ts';

describe('withArrayItems', () => {
  test('arrays without items get `items: {}` wherever they sit; the input is not changed', () => {
    const input = {
      type: 'object',
      $defs: { Ids: { type: 'array' } },
      properties: {
        paths: { type: 'array', description: 'Files' },
        tags: { type: ['array', 'null'] },
        rows: { type: 'array', items: { type: 'object', properties: { cells: { type: 'array' } } } },
        either: { anyOf: [{ type: 'array' }, { type: 'string' }] },
        map: { type: 'object', additionalProperties: { type: 'array' } },
        ok: { type: 'array', items: { type: 'string' } },
      },
    };
    const copy = structuredClone(input);
    expect(withArrayItems(input)).toEqual({
      type: 'object',
      $defs: { Ids: { type: 'array', items: {} } },
      properties: {
        paths: { type: 'array', description: 'Files', items: {} },
        tags: { type: ['array', 'null'], items: {} },
        rows: { type: 'array', items: { type: 'object', properties: { cells: { type: 'array', items: {} } } } },
        either: { anyOf: [{ type: 'array', items: {} }, { type: 'string' }] },
        map: { type: 'object', additionalProperties: { type: 'array', items: {} } },
        ok: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(input).toEqual(copy);
  });

  test('undefined when every array declares its items, and for what is not a schema', () => {
    expect(withArrayItems({ type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } } })).toBeUndefined();
    expect(withArrayItems(undefined)).toBeUndefined();
    expect(withArrayItems(true)).toBeUndefined();
  });

  test('a property named like a keyword is a property, not the keyword', () => {
    expect(withArrayItems({ type: 'object', properties: { items: { type: 'string' }, type: { type: 'array' } } })).toEqual({
      type: 'object', properties: { items: { type: 'string' }, type: { type: 'array', items: {} } },
    });
  });

  test('toolsWithArrayItems: Chat and Responses tool shapes; the same array back untouched when nothing lacks items', () => {
    const fine = { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: { x: { type: 'string' } } } } };
    const chat = { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: { ids: { type: 'array' } } } } };
    const resp = { type: 'function', name: 'c', parameters: { type: 'array' } };
    expect(toolsWithArrayItems([fine, chat, resp, { type: 'web_search' }])).toEqual([
      fine,
      { type: 'function', function: { name: 'b', parameters: { type: 'object', properties: { ids: { type: 'array', items: {} } } } } },
      { type: 'function', name: 'c', parameters: { type: 'array', items: {} } },
      { type: 'web_search' },
    ]);
    expect(toolsWithArrayItems([fine])).toBeUndefined();
    expect(toolsWithArrayItems('nope')).toBeUndefined();
  });

  test('withoutPatterns: every pattern and patternProperties goes; a property named pattern stays', () => {
    const artifact = {
      type: 'object',
      properties: {
        doc_id: { type: 'string', pattern: '^(?!__.*__$)[^\\p{Cc}\\p{Cf}]{1,200}$' },
        pattern: { type: 'string' },
        file_paths: { type: 'array', items: { type: 'string', pattern: '^[^\\0]*$' } },
        env: { type: 'object', patternProperties: { '^[A-Z_]+$': { type: 'string' } } },
      },
    };
    expect(withoutPatterns(artifact)).toEqual({
      type: 'object',
      properties: { doc_id: { type: 'string' }, pattern: { type: 'string' }, file_paths: { type: 'array', items: { type: 'string' } }, env: { type: 'object' } },
    });
    expect(withoutPatterns({ type: 'object', properties: { a: { type: 'string' } } })).toBeUndefined();
  });
});
