import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { findRefusedField, withoutFields } from './drop-refused-fields.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_UPSTREAM_ERROR', message, { status, upstream: { status, message } });
const body = {
  model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x', extra: 1 }], context_management: { edits: [] }, speed: 'fast',
  tools: [{ name: 'a', input_schema: { type: 'object' } }, { name: 'b', input_schema: { type: 'object' }, defer_loading: true }],
};

describe('findRefusedField', () => {
  test('a top-level field or a tool field the upstream does not define', () => {
    expect(findRefusedField(refusal('context_management: Extra inputs are not permitted'), body)).toEqual({ on: 'request', name: 'context_management' });
    expect(findRefusedField(refusal('tools.1.custom.defer_loading: Extra inputs are not permitted'), body)).toEqual({ on: 'tool', name: 'defer_loading' });
    expect(findRefusedField(refusal('{"message":"speed: Extra inputs are not permitted"}'), body)).toEqual({ on: 'request', name: 'speed' });
  });

  test('a field inside a top-level object, by its path: it goes, and the object when nothing is left in it', () => {
    const effort = { ...body, output_config: { effort: 'high' }, thinking: { type: 'adaptive', display: 'summarized' } };
    expect(findRefusedField(refusal('output_config.effort: Extra inputs are not permitted'), effort)).toEqual({ on: 'request', name: 'output_config.effort' });
    expect(withoutFields(effort, [{ on: 'request', name: 'output_config.effort' }])).not.toHaveProperty('output_config');
    expect(withoutFields(effort, [{ on: 'request', name: 'thinking.display' }]).thinking).toEqual({ type: 'adaptive' });
    expect(findRefusedField(refusal('messages.0.role.x: Extra inputs are not permitted'), effort)).toBeUndefined();
  });

  test('a field a newer model no longer takes ("\'temperature\' is deprecated for this model.", quoted or not)', () => {
    const sampled = { ...body, temperature: 0, top_k: 5 };
    expect(findRefusedField(refusal("'temperature' is deprecated for this model."), sampled)).toEqual({ on: 'request', name: 'temperature' });
    expect(findRefusedField(refusal('top_k is deprecated for this model.'), sampled)).toEqual({ on: 'request', name: 'top_k' });
    expect(findRefusedField(refusal("'top_p' is deprecated for this model."), sampled)).toBeUndefined();
    expect(findRefusedField(refusal("'max_tokens' is deprecated for this model."), sampled)).toBeUndefined();
  });

  test('nothing for a field inside messages, one the body lacks, one a request needs, or another error', () => {
    expect(findRefusedField(refusal('messages.0.extra: Extra inputs are not permitted'), body)).toBeUndefined();
    expect(findRefusedField(refusal('container: Extra inputs are not permitted'), body)).toBeUndefined();
    expect(findRefusedField(refusal('max_tokens: Extra inputs are not permitted'), body)).toBeUndefined();
    expect(findRefusedField(refusal('context_management: Extra inputs are not permitted', 500), body)).toBeUndefined();
    expect(findRefusedField(new Error('context_management: Extra inputs are not permitted'), body)).toBeUndefined();
  });

  test('a field of a message content block, by the block\'s type: dropped from every block of that type in the history', () => {
    const marked = { type: 'thinking', thinking: 'hmm', signature: 's1', cache_control: { type: 'ephemeral' } };
    const history = {
      ...body,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [marked, { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } }] },
        { role: 'user', content: [{ type: 'text', text: 'y' }] },
        { role: 'assistant', content: [{ ...marked, signature: 's2' }] },
      ],
    };
    const field = findRefusedField(refusal('messages.3.content.0.thinking.cache_control: Extra inputs are not permitted'), history);
    expect(field).toEqual({ on: 'block', name: 'cache_control', block: 'thinking' });
    const out = withoutFields(history, [field!]);
    expect(out.messages).toEqual([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's1' }, { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } }] },
      history.messages[2],
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's2' }] },
    ]);
    expect((out.messages as unknown[])[2]).toBe(history.messages[2]);
    // A field the block needs, or one no block has, is not dropped.
    expect(findRefusedField(refusal('messages.3.content.0.thinking.signature: Extra inputs are not permitted'), history)).toBeUndefined();
    expect(findRefusedField(refusal('messages.3.content.0.redacted_thinking.cache_control: Extra inputs are not permitted'), history)).toBeUndefined();
  });

  test('withoutFields drops the field from the request or from every tool, and keeps the body when none has it', () => {
    const out = withoutFields(body, [{ on: 'request', name: 'speed' }, { on: 'tool', name: 'defer_loading' }]);
    expect(out.speed).toBeUndefined();
    expect(out.tools).toEqual([{ name: 'a', input_schema: { type: 'object' } }, { name: 'b', input_schema: { type: 'object' } }]);
    expect(body.speed).toBe('fast');
    expect(withoutFields(body, [{ on: 'request', name: 'container' }])).toBe(body);
  });
});
