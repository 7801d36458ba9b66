/**
 * Replies for the scripted upstream (tests/gemini-cli-hunt/scripted-upstream.ts) that first
 * check the request as the real API does and answer its own 400 when a tool name or the max
 * tokens break its rules; and replies that call a tool by the name the upstream was given (a
 * model only knows those names).
 */
import {
  anthropicEvents, anthropicMessage, anthropicStream, geminiStream, json, openaiChunk, openaiCompletion, openaiStream, openaiUsage,
  type Recorded, type Reply,
} from '../gemini-cli-hunt/scripted-upstream.ts';

type Json = Record<string, any>;

/** OpenAI's pattern and length for function names (Chat and Responses). */
const OPENAI_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Anthropic's, as its 400 words it. */
const ANTHROPIC_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** Gemini's function declaration names. */
const GEMINI_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;

/** Every tool name an OpenAI Chat body holds, with where it is. */
function openaiNames(b: Json): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  (b.tools ?? []).forEach((t: Json, i: number) => out.push([`tools[${i}].function.name`, t.function?.name]));
  if (typeof b.tool_choice === 'object') out.push(['tool_choice.function.name', b.tool_choice.function?.name]);
  (b.messages ?? []).forEach((m: Json, i: number) => (m.tool_calls ?? []).forEach((c: Json, j: number) => out.push([`messages[${i}].tool_calls[${j}].function.name`, c.function?.name])));
  return out;
}

/**
 * OpenAI Chat Completions: names, then `max_completion_tokens` / `max_tokens` against
 * `maxOutput` (the wording of the real 400s).
 */
export function strictOpenAI(reply: Reply, maxOutput = Infinity): Reply {
  return (rec) => {
    for (const [param, name] of openaiNames(rec.body)) {
      if (typeof name !== 'string' || !OPENAI_NAME.test(name)) {
        const why = typeof name === 'string' && name.length > 64
          ? `string too long. Expected a string with maximum length 64, but got a string with length ${name.length} instead.`
          : "string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.";
        return json({ error: { message: `Invalid '${param}': ${why}`, type: 'invalid_request_error', param, code: 'invalid_value' } }, 400)(rec);
      }
    }
    const asked = (rec.body.max_completion_tokens ?? rec.body.max_tokens) as number | undefined;
    if (asked !== undefined && asked > maxOutput) {
      const message = `max_tokens is too large: ${asked}. This model supports at most ${maxOutput} completion tokens, whereas you provided ${asked}.`;
      return json({ error: { message, type: 'invalid_request_error', param: 'max_tokens', code: 'invalid_value' } }, 400)(rec);
    }
    return reply(rec);
  };
}

/** Anthropic Messages: names of tools, tool choice and history `tool_use` blocks; max_tokens and the thinking budget. */
export function strictAnthropic(reply: Reply, maxOutput = Infinity, model = 'claude-opus-4-1-20250805'): Reply {
  return (rec) => {
    const b = rec.body as Json;
    const bad = (message: string) => json({ type: 'error', error: { type: 'invalid_request_error', message } }, 400)(rec);
    for (const [i, t] of (b.tools ?? []).entries()) if (!ANTHROPIC_NAME.test(t.name)) return bad(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    if (b.tool_choice?.type === 'tool' && !ANTHROPIC_NAME.test(b.tool_choice.name)) return bad("tool_choice.tool.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
    for (const [i, m] of (b.messages ?? []).entries()) {
      for (const [j, c] of (Array.isArray(m.content) ? m.content : []).entries()) {
        if (c.type === 'tool_use' && !ANTHROPIC_NAME.test(c.name)) return bad(`messages.${i}.content.${j}.tool_use.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      }
    }
    if (b.max_tokens > maxOutput) return bad(`max_tokens: ${b.max_tokens} > ${maxOutput}, which is the maximum allowed number of output tokens for ${model}`);
    if (b.thinking?.budget_tokens !== undefined && b.thinking.budget_tokens >= b.max_tokens) return bad('`max_tokens` must be greater than `thinking.budget_tokens`.');
    return reply(rec);
  };
}

/** Gemini generateContent: declaration, call, response and allowed names; maxOutputTokens. */
export function strictGemini(reply: Reply, maxOutput = Infinity): Reply {
  return (rec) => {
    const b = rec.body as Json;
    const bad = (message: string) => json({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } }, 400)(rec);
    const names: Array<[string, unknown]> = [];
    (b.tools ?? []).forEach((t: Json, i: number) => (t.functionDeclarations ?? []).forEach((d: Json, j: number) => names.push([`tools[${i}].function_declarations[${j}].name`, d.name])));
    (b.contents ?? []).forEach((c: Json, i: number) => (c.parts ?? []).forEach((p: Json, j: number) => {
      if (p.functionCall) names.push([`contents[${i}].parts[${j}].function_call.name`, p.functionCall.name]);
      if (p.functionResponse) names.push([`contents[${i}].parts[${j}].function_response.name`, p.functionResponse.name]);
    }));
    (b.toolConfig?.functionCallingConfig?.allowedFunctionNames ?? []).forEach((n: unknown, i: number) => names.push([`tool_config.function_calling_config.allowed_function_names[${i}]`, n]));
    for (const [at, name] of names) {
      if (typeof name !== 'string' || !GEMINI_NAME.test(name)) {
        return bad(`* GenerateContentRequest.${at}: Invalid function name. Must start with a letter or an underscore. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.`);
      }
    }
    const asked = b.generationConfig?.maxOutputTokens;
    if (asked !== undefined && asked > maxOutput) {
      return bad(`Unable to submit request because it has a maxOutputTokens value of ${asked} but the supported range is from 1 (inclusive) to ${maxOutput + 1} (exclusive). Update the value and try again.`);
    }
    return reply(rec);
  };
}

/** OpenAI Responses: function tool names, `function_call` input items and a named tool choice. */
export function strictResponses(reply: Reply): Reply {
  return (rec) => {
    const b = rec.body as Json;
    const names: Array<[string, unknown]> = [];
    (b.tools ?? []).forEach((t: Json, i: number) => t.type === 'function' && names.push([`tools[${i}].name`, t.name]));
    (b.input ?? []).forEach((item: Json, i: number) => item.type === 'function_call' && names.push([`input[${i}].name`, item.name]));
    if (b.tool_choice?.type === 'function') names.push(['tool_choice.name', b.tool_choice.name]);
    for (const [param, name] of names) {
      if (typeof name !== 'string' || !OPENAI_NAME.test(name)) {
        return json({ error: { message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, type: 'invalid_request_error', param, code: 'invalid_value' } }, 400)(rec);
      }
    }
    return reply(rec);
  };
}

/** The name of the upstream's tool `i` as the request declared it, in any of the four formats. */
export function declaredName(rec: Recorded, i: number): string {
  const b = rec.body as Json;
  if (Array.isArray(b.contents)) return b.tools[0].functionDeclarations[i].name;
  const t = b.tools[i];
  return t.function?.name ?? t.name;
}

const ARGS = { path: '/tmp/a.txt' };

/** OpenAI Chat: the model calls the request's tool `i` (streamed in fragments, or whole). */
export function openaiCallsTool(i: number, stream: boolean): Reply {
  return (rec) => {
    const name = declaredName(rec, i);
    if (!stream) return openaiCompletion({ content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name, arguments: JSON.stringify(ARGS) } }] }, 'tool_calls')(rec);
    const args = JSON.stringify(ARGS);
    return openaiStream([
      openaiChunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name, arguments: '' } }] }),
      openaiChunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 6) } }] }),
      openaiChunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(6) } }] }),
      openaiChunk({}, 'tool_calls'), openaiUsage(20, 8),
    ])(rec);
  };
}

/** Anthropic: the model calls the request's tool `i`. */
export function anthropicCallsTool(i: number, stream: boolean): Reply {
  return (rec) => {
    const block = { type: 'tool_use', id: 'toolu_1', name: declaredName(rec, i), input: ARGS };
    return (stream ? anthropicStream(anthropicEvents([block], 'tool_use')) : anthropicMessage([block], 'tool_use'))(rec);
  };
}

/** Gemini: the model calls the request's tool `i`. */
export function geminiCallsTool(i: number, stream: boolean): Reply {
  return (rec) => {
    const chunk = {
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: declaredName(rec, i), args: ARGS } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 8, totalTokenCount: 28 }, modelVersion: 'gemini-2.5-flash',
    };
    return (stream ? geminiStream([chunk]) : json(chunk))(rec);
  };
}

/** OpenAI Responses: the model calls the request's tool `i` (JSON, or the stream's events). */
export function responsesCallsTool(i: number, stream: boolean): Reply {
  return (rec) => {
    const item = { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: declaredName(rec, i), arguments: JSON.stringify(ARGS), status: 'completed' };
    const response = {
      id: 'resp_1', object: 'response', created_at: 1_700_000_000, status: 'completed', model: 'gpt-5', output: [item],
      usage: { input_tokens: 20, output_tokens: 8, total_tokens: 28 },
    };
    if (!stream) return json(response)(rec);
    const events = [
      { type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [] } },
      { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } },
      { type: 'response.function_call_arguments.delta', sequence_number: 2, item_id: 'fc_1', output_index: 0, delta: item.arguments },
      { type: 'response.function_call_arguments.done', sequence_number: 3, item_id: 'fc_1', output_index: 0, arguments: item.arguments },
      { type: 'response.output_item.done', sequence_number: 4, output_index: 0, item },
      { type: 'response.completed', sequence_number: 5, response },
    ];
    const pieces = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    return new Response(pieces.join(''), { headers: { 'content-type': 'text/event-stream' } });
  };
}

export { ARGS };
