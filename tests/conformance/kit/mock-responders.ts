/**
 * Custom answers of the four mock upstreams for what their defaults do not cover: two parallel
 * tool calls (armed per request), structured JSON output, the tool result echoed back after a
 * tool turn, stop sequences and reasoning for the OpenAI mock. Everything else falls through
 * to each mock's default behaviour (echo, weather tool call, signed thinking…).
 */
import { sample, type MessagesBody, type MockAnthropicReply } from '../../helpers/mock-anthropic-replies.ts';
import { defaultReply as openaiDefault, lastUserText, type MockReply } from '../../helpers/mock-openai-replies.ts';
import { defaultReply as responsesDefault, type MockResponsesReply } from '../../helpers/mock-responses-replies.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** One-shot switches a case sets before a request. */
export interface Arms {
  parallel: boolean;
}

/** The two calls a parallel-tools reply makes (names must be among the request's tools). */
export const PARALLEL_CALLS = [
  { name: 'get_weather', args: { location: 'Paris' } },
  { name: 'get_time', args: { timezone: 'Europe/Paris' } },
];

/** A JSON answer for a structured-output request: a sample of its schema. */
export function jsonAnswer(schema: unknown): string {
  return JSON.stringify(sample(obj(schema)));
}

function cutAtStop(text: string, stop: unknown): string {
  const stops = typeof stop === 'string' ? [stop] : arr(stop).map(String);
  for (const s of stops) {
    const at = text.indexOf(s);
    if (at !== -1) text = text.slice(0, at);
  }
  return text;
}

/** OpenAI Chat Completions mock: parallel calls, tool-result echo, JSON, stop, reasoning_content. */
export function openaiResponder(arms: Arms) {
  return (body: Json): MockReply => {
    const effort = body.reasoning_effort;
    const reasoning = effort !== undefined && effort !== 'none' ? `Reasoning about: ${lastUserText(body).slice(0, 40)}` : undefined;
    if (arms.parallel && arr(body.tools).length > 0) {
      arms.parallel = false;
      return { reasoning, toolCalls: PARALLEL_CALLS.map((c, i) => ({ id: `call_par${i}`, name: c.name, arguments: JSON.stringify(c.args) })) };
    }
    const messages = arr(body.messages);
    const tail: string[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i].role === 'tool'; i--) tail.unshift(String(messages[i].content));
    if (tail.length > 0) return { reasoning, content: `The tool said: ${tail.join(' | ')}` };
    const format = obj(body.response_format);
    if (format.type === 'json_schema') return { reasoning, content: jsonAnswer(obj(format.json_schema).schema) };
    const reply = openaiDefault(body);
    if (reply.content !== undefined && body.stop !== undefined) {
      const cut = cutAtStop(reply.content, body.stop);
      if (cut !== reply.content) return { reasoning, content: cut, finishReason: 'stop' };
    }
    return { ...reply, reasoning };
  };
}

/** Anthropic mock: parallel calls and native structured output; undefined = the mock's default. */
export function anthropicResponder(arms: Arms) {
  return (body: MessagesBody): MockAnthropicReply | undefined => {
    if (arms.parallel && (body.tools ?? []).length > 0) {
      arms.parallel = false;
      const content = PARALLEL_CALLS.map((c, i) => ({ type: 'tool_use', id: `toolu_par${i}`, name: c.name, input: c.args }));
      return { content: [{ type: 'text', text: 'Checking both.' }, ...content], stop_reason: 'tool_use' };
    }
    const format = obj(obj(body.output_config).format);
    if (format.type === 'json_schema') return { content: [{ type: 'text', text: jsonAnswer(format.schema) }], stop_reason: 'end_turn' };
    return undefined;
  };
}

/** Responses mock: parallel calls and structured output; else the mock's default. */
export function responsesResponder(arms: Arms) {
  return (body: Json): MockResponsesReply => {
    const base = responsesDefault(body);
    if (arms.parallel && arr(body.tools).length > 0) {
      arms.parallel = false;
      return { reasoning: base.reasoning, toolCalls: PARALLEL_CALLS.map((c, i) => ({ callId: `call_par${i}`, name: c.name, arguments: JSON.stringify(c.args) })) };
    }
    const format = obj(obj(body.text).format);
    const answered = arr(body.input).at(-1)?.type === 'function_call_output';
    if (format.type === 'json_schema' && !answered) return { reasoning: base.reasoning, text: jsonAnswer(format.schema) };
    return base;
  };
}

/** Gemini mock `reply`: its default echo / tool answer, or a JSON sample in JSON mode. */
export function geminiReply(body: Json): string {
  const gc = obj(body.generationConfig);
  if (gc.responseMimeType === 'application/json') return jsonAnswer(gc.responseJsonSchema ?? gc.responseSchema);
  const contents = arr(body.contents);
  const last = [...contents].reverse().find((c) => c.role !== 'model');
  const parts = arr(last?.parts);
  const fr = parts.map((p) => obj(p.functionResponse)).filter((f) => f.name !== undefined);
  if (fr.length > 0) return `The tool said: ${fr.map((f) => JSON.stringify(f.response)).join(' | ')}`;
  return parts.filter((p) => typeof p.text === 'string').map((p) => String(p.text)).join('\n') || 'Hello!';
}

/** The exact bytes of a Gemini reply with two parallel function calls (JSON and SSE). */
export function geminiParallelRaw(model: string): { json: string; sse: string } {
  const parts = PARALLEL_CALLS.map((c, i) => ({ functionCall: { name: c.name, args: c.args }, ...(i === 0 ? { thoughtSignature: 'CmockSigPar' } : {}) }));
  const reply = {
    candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 12, totalTokenCount: 32 },
    modelVersion: model,
    responseId: 'mockParallel01',
  };
  return { json: JSON.stringify(reply, null, 2), sse: `data: ${JSON.stringify(reply)}\r\n\r\n` };
}
