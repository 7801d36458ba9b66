import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { refusedUnknownFields, withoutUnknownFields } from './drop-unknown-fields.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { status, upstream: { status, message } });
const body = {
  contents: [
    { role: 'model', parts: [{ functionCall: { id: 'a', name: 'f', args: {} } }, { text: 'x' }] },
    { role: 'user', parts: [{ function_response: { id: 'a', name: 'f', response: {} } }] },
  ],
  tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', additionalProperties: false } }] }],
  user_prompt_id: 'p-1',
  generationConfig: { temperature: 0.2, seed: 3 },
};

describe('refusedUnknownFields', () => {
  test('each field Google names as unknown, at its place with the indices as wildcards, in either spelling', () => {
    const message = [
      'Invalid JSON payload received. Unknown name "id" at \'contents[0].parts[0].function_call\': Cannot find field.',
      'Invalid JSON payload received. Unknown name "id" at \'contents[1].parts[0].function_response\': Cannot find field.',
      'Invalid JSON payload received. Unknown name "user_prompt_id": Cannot find field.',
      'Invalid JSON payload received. Unknown name "seed" at \'generation_config\': Cannot find field.',
    ].join('\n');
    const fields = refusedUnknownFields(refusal(message), body);
    expect(fields).toEqual([
      { at: ['contents', '*', 'parts', '*', 'functionCall'], name: 'id' },
      { at: ['contents', '*', 'parts', '*', 'functionResponse'], name: 'id' },
      { at: [], name: 'userPromptId' },
      { at: ['generationConfig'], name: 'seed' },
    ]);
    const out = withoutUnknownFields(body, fields);
    expect(out.contents[0]!.parts[0] as unknown).toEqual({ functionCall: { name: 'f', args: {} } });
    expect(out.contents[0]!.parts[1]).toBe(body.contents[0]!.parts[1]);
    expect(out.contents[1]!.parts[0] as unknown).toEqual({ function_response: { name: 'f', response: {} } });
    expect(out).not.toHaveProperty('user_prompt_id');
    expect(out.generationConfig as unknown).toEqual({ temperature: 0.2 });
    expect(body.contents[0]!.parts[0]).toEqual({ functionCall: { id: 'a', name: 'f', args: {} } });
  });

  test('nothing in the tools (their schemas are asked for as text instead), nothing a request needs, nothing the body lacks', () => {
    expect(refusedUnknownFields(refusal('Unknown name "additionalProperties" at \'tools[0].function_declarations[0].parameters\': Cannot find field.'), body)).toEqual([]);
    expect(refusedUnknownFields(refusal('Unknown name "name" at \'contents[0].parts[0].function_call\': Cannot find field.'), body)).toEqual([]);
    expect(refusedUnknownFields(refusal('Unknown name "labels": Cannot find field.'), body)).toEqual([]);
    expect(refusedUnknownFields(refusal('Unknown name "user_prompt_id": Cannot find field.', 500), body)).toEqual([]);
    expect(withoutUnknownFields(body, [{ at: [], name: 'labels' }])).toBe(body);
  });
});
