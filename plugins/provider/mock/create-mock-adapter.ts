import { GatewayError } from '../../../core/errors/gateway-error.ts';
import type { Attempt, ProviderAdapter } from '../../../core/plugin/types.ts';
import type { ChatResult, StreamPart } from '../../../core/types/hub.ts';
import { MOCK_MODELS, planMockReply, type MockPlan } from './plan-mock-reply.ts';

/** Waits `ms`, or rejects with a GW_CLIENT_CLOSED error as soon as `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(aborted());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function aborted(): GatewayError {
  return new GatewayError('GW_CLIENT_CLOSED', 'The request was aborted.');
}

function dropError(): GatewayError {
  return new GatewayError('GW_UPSTREAM_CONNECT', 'The mock upstream dropped the connection mid-stream.', { retryable: true });
}

/** Word-sized pieces that join back to the text. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text ? [text] : []);
}

function planFor(attempt: Attempt, req: Parameters<typeof planMockReply>[0]): MockPlan {
  const d = attempt.provider.options.chunk_delay_ms;
  return planMockReply(req, attempt.target.model, typeof d === 'number' ? d : 0);
}

/** The parts of a planned reply, in stream order (an error part ends a midstream-drop). */
export function mockParts(plan: MockPlan, id: string, model: string): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'start', id, model, created: Math.floor(Date.now() / 1000) }];
  if (plan.reasoning) {
    for (const p of pieces(plan.reasoning)) parts.push({ type: 'reasoning-delta', text: p });
    parts.push({ type: 'reasoning-end' });
  }
  let sent = 0;
  for (const p of pieces(plan.text ?? '')) {
    if (plan.dropAfterChars !== undefined && sent >= plan.dropAfterChars) {
      parts.push({ type: 'error', error: dropError() });
      return parts;
    }
    parts.push({ type: 'text-delta', text: p });
    sent += p.length;
  }
  if (plan.dropAfterChars !== undefined) {
    parts.push({ type: 'error', error: dropError() });
    return parts;
  }
  if (plan.toolCall) {
    const callId = `call_mock_${id.slice(-8)}`;
    parts.push({ type: 'tool-call-start', id: callId, name: plan.toolCall.name, index: 0 });
    parts.push({ type: 'tool-call-delta', id: callId, index: 0, argumentsDelta: plan.toolCall.arguments });
    parts.push({ type: 'tool-call-end', id: callId, index: 0 });
  }
  parts.push({ type: 'finish', reason: plan.finishReason, usage: plan.usage });
  return parts;
}

let counter = 0;
const nextId = (): string => `mock-${Date.now().toString(36)}-${(++counter).toString(36).padStart(4, '0')}`;

/**
 * A deterministic local model that never touches the network. The model name selects the
 * behaviour: `echo` (default), `tools`, `think`, `fail-500`, `fail-429`, `slow[-ms]`,
 * `midstream-drop`. Usage is characters / 4. Delays honour the attempt's abort signal.
 */
export function createMockAdapter(): ProviderAdapter {
  return {
    id: 'mock',
    chat: {
      async generate(req, attempt): Promise<ChatResult> {
        const plan = planFor(attempt, req);
        await delay(plan.delayMs, attempt.signal);
        if (plan.failure) throw plan.failure;
        if (plan.dropAfterChars !== undefined) throw dropError();
        const content: ChatResult['content'] = [];
        if (plan.reasoning) content.push({ type: 'reasoning', text: plan.reasoning });
        if (plan.text) content.push({ type: 'text', text: plan.text });
        if (plan.toolCall) content.push({ type: 'tool-call', id: `call_mock_${(++counter).toString(36)}`, ...plan.toolCall });
        return { id: nextId(), model: attempt.target.model, content, finishReason: plan.finishReason, usage: plan.usage, created: Math.floor(Date.now() / 1000) };
      },
      async stream(req, attempt): Promise<ReadableStream<StreamPart>> {
        const plan = planFor(attempt, req);
        await delay(plan.delayMs, attempt.signal);
        if (plan.failure) throw plan.failure;
        const parts = mockParts(plan, nextId(), attempt.target.model);
        let i = 0;
        return new ReadableStream<StreamPart>({
          async pull(controller) {
            if (i > 0) {
              try {
                await delay(plan.delayMs, attempt.signal);
              } catch (e) {
                controller.enqueue({ type: 'error', error: e as GatewayError });
                controller.close();
                return;
              }
            }
            controller.enqueue(parts[i++]);
            if (i >= parts.length) controller.close();
          },
        });
      },
    },
    async listModels(provider) {
      return provider.models.length > 0 ? provider.models : [...MOCK_MODELS];
    },
  };
}
