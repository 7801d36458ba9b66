/**
 * Responses API stream frames as OpenAI sends them to Codex (`event:` + `data:` with
 * `sequence_number`), built from a list of output items: each item streams as
 * `output_item.added` → its deltas → `output_item.done`, then `response.completed` (or
 * `response.incomplete`) carries the whole response.
 */
import { namedSse, type Json } from './codex-kit.ts';

export interface ResponsesScript {
  id: string;
  model: string;
  output: Json[];
  usage: Json;
  status?: 'completed' | 'incomplete';
  incompleteReason?: string;
  /** Splits of function-call arguments / text into deltas (default: two halves). */
  parts?: number;
}

function halves(s: string, n: number): string[] {
  if (s.length < n) return [s];
  const size = Math.ceil(s.length / n);
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** The response object of `script` with `status` and `output`. */
function responseObject(script: ResponsesScript, status: string, output: Json[], usage: Json | null): Json {
  return {
    id: script.id, object: 'response', created_at: 1760000000, status, background: false, error: null,
    incomplete_details: status === 'incomplete' ? { reason: script.incompleteReason ?? 'max_output_tokens' } : null,
    instructions: null, max_output_tokens: null, model: script.model, output, parallel_tool_calls: false,
    previous_response_id: null, reasoning: { effort: 'medium', summary: 'auto' }, service_tier: 'priority', store: false,
    temperature: 1, text: { format: { type: 'text' }, verbosity: 'low' }, tool_choice: 'auto', tools: [], top_p: 1,
    truncation: 'disabled', usage, metadata: {},
  };
}

/** The SSE events (objects) of `script`, with increasing `sequence_number`. */
export function responsesEvents(script: ResponsesScript): Json[] {
  const n = script.parts ?? 2;
  const events: Json[] = [];
  const push = (e: Json) => events.push({ ...e, sequence_number: events.length });
  const status = script.status ?? 'completed';
  push({ type: 'response.created', response: responseObject(script, 'in_progress', [], null) });
  push({ type: 'response.in_progress', response: responseObject(script, 'in_progress', [], null) });
  script.output.forEach((item, index) => {
    const id = item.id as string;
    switch (item.type) {
      case 'reasoning': {
        push({ type: 'response.output_item.added', output_index: index, item: { id, type: 'reasoning', summary: [], encrypted_content: item.encrypted_content } });
        (item.summary as Json[]).forEach((s, si) => {
          push({ type: 'response.reasoning_summary_part.added', item_id: id, output_index: index, summary_index: si, part: { type: 'summary_text', text: '' } });
          for (const d of halves(s.text as string, n)) push({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: index, summary_index: si, delta: d, obfuscation: 'x' });
          push({ type: 'response.reasoning_summary_text.done', item_id: id, output_index: index, summary_index: si, text: s.text });
          push({ type: 'response.reasoning_summary_part.done', item_id: id, output_index: index, summary_index: si, part: { type: 'summary_text', text: s.text } });
        });
        break;
      }
      case 'message': {
        const text = ((item.content as Json[])[0]?.text as string) ?? '';
        push({ type: 'response.output_item.added', output_index: index, item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
        push({ type: 'response.content_part.added', item_id: id, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
        for (const d of halves(text, n)) push({ type: 'response.output_text.delta', item_id: id, output_index: index, content_index: 0, delta: d, logprobs: [], obfuscation: 'x' });
        push({ type: 'response.output_text.done', item_id: id, output_index: index, content_index: 0, text, logprobs: [] });
        push({ type: 'response.content_part.done', item_id: id, output_index: index, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text } });
        break;
      }
      case 'function_call': {
        push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
        for (const d of halves(item.arguments as string, n)) push({ type: 'response.function_call_arguments.delta', item_id: id, output_index: index, delta: d, obfuscation: 'x' });
        push({ type: 'response.function_call_arguments.done', item_id: id, output_index: index, arguments: item.arguments });
        break;
      }
      case 'custom_tool_call': {
        push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', input: '' } });
        for (const d of halves(item.input as string, n)) push({ type: 'response.custom_tool_call_input.delta', item_id: id, output_index: index, delta: d, obfuscation: 'x' });
        push({ type: 'response.custom_tool_call_input.done', item_id: id, output_index: index, input: item.input });
        break;
      }
      default:
        push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress' } });
    }
    push({ type: 'response.output_item.done', output_index: index, item });
  });
  push({ type: status === 'completed' ? 'response.completed' : 'response.incomplete', response: responseObject(script, status, script.output, script.usage) });
  return events;
}

/** The SSE frames of `script`. */
export function responsesFrames(script: ResponsesScript): string[] {
  return namedSse(responsesEvents(script) as Array<{ type: string }>);
}
