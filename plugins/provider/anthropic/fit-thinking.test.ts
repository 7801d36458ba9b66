import { describe, expect, test } from 'bun:test';
import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { refusedThinkingShape, withThinkingShape } from './fit-thinking.ts';

const refusal = (message: string, status = 400) => new GatewayError('GW_BAD_REQUEST', message, { status, upstream: { status, message } });
const ENABLED_REFUSED = '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';

describe('refusedThinkingShape', () => {
  test('the shape the model takes, read from the refusal of the body\'s own', () => {
    expect(refusedThinkingShape(refusal(ENABLED_REFUSED), { thinking: { type: 'enabled', budget_tokens: 2048 } })).toBe('adaptive');
    expect(refusedThinkingShape(refusal('adaptive thinking is not supported on this model'), { thinking: { type: 'adaptive' } })).toBe('enabled');
  });

  test('in the words of Vertex AI\'s schema, which has no adaptive tag for the older models', () => {
    const vertex = "thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'";
    expect(refusedThinkingShape(refusal(vertex), { thinking: { type: 'adaptive' } })).toBe('enabled');
    expect(refusedThinkingShape(refusal(vertex), { thinking: { type: 'enabled', budget_tokens: 2048 } })).toBeUndefined();
    expect(refusedThinkingShape(refusal('invalid thinking: only type=enabled is allowed for this model'), { thinking: { type: 'adaptive' } })).toBe('enabled');
    const noEnabled = "thinking: Input tag 'enabled' found using 'type' does not match any of the expected tags: 'adaptive', 'disabled'";
    expect(refusedThinkingShape(refusal(noEnabled), { thinking: { type: 'enabled', budget_tokens: 2048 } })).toBe('adaptive');
  });

  test('nothing when the body is not in the refused shape, for another status or another error', () => {
    expect(refusedThinkingShape(refusal(ENABLED_REFUSED), { thinking: { type: 'adaptive' } })).toBeUndefined();
    expect(refusedThinkingShape(refusal('adaptive thinking is not supported on this model'), {})).toBeUndefined();
    expect(refusedThinkingShape(refusal(ENABLED_REFUSED, 500), { thinking: { type: 'enabled', budget_tokens: 2048 } })).toBeUndefined();
    expect(refusedThinkingShape(new Error(ENABLED_REFUSED), { thinking: { type: 'enabled', budget_tokens: 2048 } })).toBeUndefined();
  });
});

describe('withThinkingShape', () => {
  test('enabled → adaptive: the budget\'s effort, unless the client set one; other settings kept', () => {
    expect(withThinkingShape({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999 } }, 'adaptive'))
      .toEqual({ max_tokens: 32000, thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
    expect(withThinkingShape({ thinking: { type: 'enabled', budget_tokens: 4096 } }, 'adaptive').output_config).toEqual({ effort: 'medium' });
    expect(withThinkingShape({ thinking: { type: 'enabled', budget_tokens: 1024 } }, 'adaptive').output_config).toEqual({ effort: 'low' });
    const format = { type: 'json_schema', schema: { type: 'object' } };
    expect(withThinkingShape({ thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'max', format } }, 'adaptive').output_config)
      .toEqual({ effort: 'max', format });
  });

  test('adaptive → enabled: a budget for the effort below max_tokens, the effort left out, no thinking without room', () => {
    expect(withThinkingShape({ max_tokens: 32000, thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }, 'enabled'))
      .toEqual({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 1024 } });
    expect(withThinkingShape({ max_tokens: 8000, thinking: { type: 'adaptive', display: 'summarized' } }, 'enabled').thinking).toEqual({ type: 'enabled', budget_tokens: 4096 });
    expect(withThinkingShape({ max_tokens: 8000, thinking: { type: 'adaptive' }, output_config: { effort: 'high' } }, 'enabled').thinking).toEqual({ type: 'enabled', budget_tokens: 7999 });
    expect(withThinkingShape({ max_tokens: 1000, thinking: { type: 'adaptive' }, output_config: { effort: 'high', format: { type: 'text' } } }, 'enabled'))
      .toEqual({ max_tokens: 1000, output_config: { format: { type: 'text' } } });
  });

  test('the same body when it is already in the shape, or thinks not at all', () => {
    for (const body of [{ thinking: { type: 'adaptive' } }, { thinking: { type: 'disabled' } }, { max_tokens: 10 }]) {
      expect(withThinkingShape(body, 'adaptive')).toBe(body);
    }
  });
});
