import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../errors/gateway-error.ts';
import { refusedFieldPath, refusedSamplingField, withoutPath } from './refused-fields.ts';

const refusal = (message: string, param?: string, status = 400) =>
  new GatewayError('GW_BAD_REQUEST', message, { status, upstream: { status, message }, ...(param ? { param } : {}) });
const KEPT = ['model', 'input', 'tools', 'text.format'];
const body = {
  model: 'gpt-4.1', input: [], tools: [], prompt_cache_options: { mode: 'implicit' }, prompt_cache_retention: '24h',
  reasoning: { effort: 'medium' }, text: { format: { type: 'text' }, verbosity: 'low' }, include: ['reasoning.encrypted_content'],
};

describe('refusedFieldPath', () => {
  test('the field a refusal names, in the param or in the words of OpenAI, the ChatGPT backend, relays and pydantic', () => {
    expect(refusedFieldPath(refusal("Unsupported parameter: 'reasoning.effort' is not supported with this model.", 'reasoning.effort'), body, KEPT)).toBe('reasoning.effort');
    expect(refusedFieldPath(refusal('Unsupported parameter: prompt_cache_options'), body, KEPT)).toBe('prompt_cache_options');
    expect(refusedFieldPath(refusal("Unknown parameter: 'prompt_cache_retention'."), body, KEPT)).toBe('prompt_cache_retention');
    expect(refusedFieldPath(refusal('Validation: Unsupported parameter(s): prompt_cache_retention'), body, KEPT)).toBe('prompt_cache_retention');
    expect(refusedFieldPath(refusal('prompt_cache_retention is not supported on this model'), body, KEPT)).toBe('prompt_cache_retention');
    expect(refusedFieldPath(refusal('text.verbosity: Extra inputs are not permitted'), body, KEPT)).toBe('text.verbosity');
    expect(refusedFieldPath(refusal('Encrypted content is not supported with this model.', 'include'), body, KEPT)).toBe('include');
  });

  test('nothing for a kept field (or one under it, or one holding it), a field the body lacks, another status or error', () => {
    expect(refusedFieldPath(refusal("Unknown parameter: 'input[2].status'."), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal('Unsupported parameter: text'), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal('Unsupported parameter: tools'), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal('Unsupported parameter: truncation'), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal('Unsupported parameter: prompt_cache_options', undefined, 500), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(new Error('Unsupported parameter: prompt_cache_options'), body, KEPT)).toBeUndefined();
  });

  test('nothing for a refused value: the field stays, and its 400 reaches the client (no client can make the gateway drop a field for every client)', () => {
    const verbose = { ...body, text: { format: { type: 'text' }, verbosity: 'loud' } };
    expect(refusedFieldPath(refusal("Invalid value: 'loud'. Supported values are: 'low', 'medium', and 'high'.", 'text.verbosity'), verbose, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal("Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model.", 'reasoning.effort'), body, KEPT)).toBeUndefined();
    expect(refusedFieldPath(refusal('Something else is wrong.', 'prompt_cache_retention'), body, KEPT)).toBeUndefined();
  });
});

test('withoutPath: the field gone, an object it leaves empty too; the same body when it has none', () => {
  expect(withoutPath(body, 'reasoning.effort')).not.toHaveProperty('reasoning');
  expect(withoutPath(body, 'text.verbosity').text).toEqual({ format: { type: 'text' } });
  expect(withoutPath(body, 'prompt_cache_options')).not.toHaveProperty('prompt_cache_options');
  expect(withoutPath(body, 'truncation')).toBe(body);
  expect(withoutPath(body, 'reasoning.summary')).toBe(body);
  expect(body.reasoning).toEqual({ effort: 'medium' });
});

test('refusedSamplingField: temperature and top_p refused together (Claude 4.5 and later, at Anthropic or Bedrock) lose top_p', () => {
  const pair = '`temperature` and `top_p` cannot both be specified for this model. Please use only one.';
  expect(refusedSamplingField(refusal(pair), { temperature: 0.2, top_p: 0.9 })).toBe('top_p');
  expect(refusedSamplingField(refusal(`The model returned the following errors: ${pair}`), { temperature: 0.2, top_p: 0.9 })).toBe('top_p');
  expect(refusedSamplingField(refusal(pair), { temperature: 0.2 })).toBeUndefined();
  expect(refusedSamplingField(refusal("Unsupported parameter: 'top_p' is not supported with this model."), { temperature: 0.2, top_p: 0.9 })).toBe('top_p');
  // NVIDIA NIM's Kimi K3: a parameter fixed at the model's own value.
  expect(refusedSamplingField(refusal('Validation: top_p is immutable for this model and must be 0.95, got 1'), { top_p: 1 })).toBe('top_p');
});
