import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { ChatRequest, FinishReason, Usage } from '../../../core/types/hub.ts';

import { MOCK_MODELS, type MockBehaviour } from './mock-models.ts';

export { MOCK_MODELS, type MockBehaviour };

/** What one mock call will produce, computed up front so generate and stream agree. */
export interface MockPlan {
  behaviour: MockBehaviour;
  reasoning?: string;
  text?: string;
  toolCall?: { name: string; arguments: string };
  finishReason: FinishReason;
  usage: Usage;
  /** Delay before each stream part (and once before a complete result). */
  delayMs: number;
  /** Thrown before any output. */
  failure?: GatewayError;
  /** Emitted as an error part after the first half of the text (midstream-drop). */
  dropAfterChars?: number;
}

/** `echo`, `tools`… from a model name; anything unknown behaves as `echo`. */
export function selectBehaviour(model: string): { behaviour: MockBehaviour; arg?: string } {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  for (const b of [...MOCK_MODELS].sort((x, y) => y.length - x.length)) {
    if (name === b) return { behaviour: b };
    if (name.startsWith(`${b}-`)) return { behaviour: b, arg: name.slice(b.length + 1) };
  }
  return { behaviour: 'echo' };
}

/** Text of the last user message. */
export function lastUserText(req: ChatRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i];
    if (m.role !== 'user') continue;
    const text = m.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
    if (text) return text;
  }
  return '';
}

function inputChars(req: ChatRequest): number {
  let n = 0;
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === 'text' || p.type === 'reasoning') n += p.text.length;
      else if (p.type === 'tool-call') n += p.name.length + p.arguments.length;
      else if (p.type === 'tool-result') for (const c of p.content) if (c.type === 'text') n += c.text.length;
    }
  }
  for (const t of req.tools ?? []) n += t.name.length + JSON.stringify(t.parameters).length + (t.description?.length ?? 0);
  return n;
}

const tokens = (chars: number): number => Math.ceil(chars / 4);

/** Arguments that satisfy the required properties of a JSON schema with placeholder values. */
export function sampleArguments(schema: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const out: Record<string, unknown> = {};
  for (const key of required) {
    const p = props[key] ?? {};
    if (Array.isArray(p.enum) && p.enum.length > 0) out[key] = p.enum[0];
    else if (p.type === 'number' || p.type === 'integer') out[key] = 0;
    else if (p.type === 'boolean') out[key] = false;
    else if (p.type === 'array') out[key] = [];
    else if (p.type === 'object') out[key] = {};
    else out[key] = 'mock';
  }
  return out;
}

/**
 * Plans the reply of the mock model for a request. Deterministic: same request, same plan.
 * `chunkDelayMs` is the provider's `chunk_delay_ms` option (default 0; `slow` uses 100 or
 * the number after `slow-`).
 */
export function planMockReply(req: ChatRequest, model: string, chunkDelayMs = 0): MockPlan {
  const { behaviour, arg } = selectBehaviour(model);
  const said = lastUserText(req);
  const echo = said || 'Hello from the Switchyard mock provider.';
  const plan: MockPlan = { behaviour, finishReason: 'stop', usage: { inputTokens: tokens(inputChars(req)), outputTokens: 0 }, delayMs: chunkDelayMs };
  switch (behaviour) {
    case 'tools': {
      const tool = req.tools?.[0];
      if (tool) {
        plan.toolCall = { name: tool.name, arguments: JSON.stringify(sampleArguments(tool.parameters)) };
        plan.finishReason = 'tool-calls';
      } else {
        plan.text = 'No tools were declared.';
      }
      break;
    }
    case 'think':
      plan.reasoning = `The user said: "${said}". I will answer with the same words.`;
      plan.text = echo;
      break;
    case 'fail-500':
      plan.failure = new GatewayError('GW_UPSTREAM_ERROR', 'The mock upstream failed (HTTP 500).', {
        status: 502, retryable: true, upstream: { status: 500, type: 'server_error', message: 'mock failure' },
      });
      break;
    case 'fail-429':
      plan.failure = new GatewayError('GW_RATE_LIMITED', 'The mock upstream is rate limited.', {
        status: 429, retryable: true, retryAfterMs: 1000, upstream: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
      });
      break;
    case 'slow':
      plan.text = echo;
      plan.delayMs = arg && /^\d+$/.test(arg) ? Number(arg) : 100;
      break;
    case 'midstream-drop':
      plan.text = echo;
      plan.dropAfterChars = Math.ceil(echo.length / 2);
      break;
    default:
      plan.text = echo;
  }
  const out = (plan.text?.length ?? 0) + (plan.reasoning?.length ?? 0) + (plan.toolCall ? plan.toolCall.name.length + plan.toolCall.arguments.length : 0);
  plan.usage.outputTokens = tokens(out);
  if (plan.reasoning) plan.usage.reasoningTokens = tokens(plan.reasoning.length);
  return plan;
}
