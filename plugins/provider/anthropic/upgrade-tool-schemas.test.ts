import { expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { upgradeSchema } from '../../../core/util/upgrade-json-schema.ts';
import { isToolSchemaRefusal, upgradeToolSchemas } from './upgrade-tool-schemas.ts';

test('older drafts\' forms become draft 2020-12\'s, meaning kept', () => {
  const old = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: {
      point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      name: { type: 'string', required: true, minLength: '1', maxLength: 'lots' },
      size: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: '10' },
      any: { type: 'any', description: 'anything' },
      tags: { type: ['string', 'any'], enum: 'a' },
      nested: { anyOf: [{ type: 'object', properties: { k: { type: 'string', required: true } } }] },
    },
    required: ['point'],
  };
  expect(upgradeSchema(old)).toEqual({
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: {
      point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false },
      name: { type: 'string', minLength: 1 },
      size: { type: 'number', exclusiveMinimum: 0, maximum: 10 },
      any: { description: 'anything' },
      tags: { type: ['string'] },
      nested: { anyOf: [{ type: 'object', properties: { k: { type: 'string' } }, required: ['k'] }] },
    },
    required: ['point', 'name'],
  });
});

test('a 2020-12 schema is returned as the same object; tools change only when a schema does', () => {
  const good = { type: 'object', properties: { a: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['a'], additionalProperties: false };
  expect(upgradeSchema(good)).toBe(good);
  const tools = [{ name: 'ok', input_schema: good }, { name: 'old', input_schema: { type: 'object', properties: { x: { type: 'integer', minimum: '2' } } } }];
  const out = upgradeToolSchemas(tools)!;
  expect(out[0]).toBe(tools[0]);
  expect(out[1]).toEqual({ name: 'old', input_schema: { type: 'object', properties: { x: { type: 'integer', minimum: 2 } } } });
  expect(upgradeToolSchemas([tools[0]])).toBeUndefined();
});

test('the refusal is the API\'s 400 naming a tool\'s input schema', () => {
  const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { upstream: { status, message } });
  expect(isToolSchemaRefusal(refusal('tools.31.custom.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12'))).toBe(true);
  expect(isToolSchemaRefusal(refusal('tools.3.input_schema: JSON schema is invalid.'))).toBe(true);
  expect(isToolSchemaRefusal(refusal('tools.31.custom.input_schema: JSON schema is invalid', 500))).toBe(false);
  expect(isToolSchemaRefusal(refusal('messages: text content blocks must be non-empty'))).toBe(false);
  expect(isToolSchemaRefusal(new Error('tools.1.custom.input_schema: JSON schema is invalid'))).toBe(false);
});
