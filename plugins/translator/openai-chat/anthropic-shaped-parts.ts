type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A tool in Anthropic's shape (`{name, description, input_schema}`) or the Responses API's flat one (`{type: "function", name, parameters}`). */
function isBareTool(t: unknown): t is Json {
  return isObj(t) && t.function === undefined && typeof t.name === 'string' && (t.type === undefined || t.type === 'function' || t.type === 'custom');
}

function isToolBlock(p: unknown): boolean {
  return isObj(p) && (p.type === 'tool_use' || p.type === 'tool_result');
}

/**
 * True for a Chat Completions body with Anthropic's shapes in it: Cursor in agent mode, asked for
 * a Claude model through its "Override OpenAI Base URL", sends its tools as `{name, description,
 * input_schema}`, its tool calls as `tool_use` blocks of the assistant's content and their results
 * as `tool_result` blocks of the user's (CLIProxyAPI #3805, vibeproxy #411, the Cursor forum's
 * "Wrong tools handling on OpenAI compatible endpoint"). Flat tools (`{type: "function", name,
 * parameters}`, the Responses API's shape) count too.
 */
export function hasAnthropicShapes(body: Json): boolean {
  if (Array.isArray(body.tools) && body.tools.some(isBareTool)) return true;
  return Array.isArray(body.messages) && body.messages.some((m) => isObj(m) && Array.isArray(m.content) && m.content.some(isToolBlock));
}

/**
 * The Chat Completions body such a one means: tools in the `{type: "function", function}` shape;
 * an assistant turn's `tool_use` blocks as its `tool_calls` (its text kept, thinking blocks left
 * out: a Chat turn has no place for them); a user turn's `tool_result` blocks as `tool` messages
 * before the rest of the turn (their text joined; their images go with the rest of the turn);
 * Anthropic image blocks as `image_url` parts. Everything else is kept as it is.
 */
export function chatBodyFromAnthropicShapes(body: Json): Json {
  const out: Json = { ...body };
  if (Array.isArray(body.tools)) out.tools = body.tools.map((t) => (isBareTool(t) ? chatTool(t) : t));
  if (Array.isArray(body.messages)) out.messages = body.messages.flatMap((m) => (isObj(m) && Array.isArray(m.content) ? chatMessages(m, m.content) : [m]));
  return out;
}

function chatTool(t: Json): Json {
  const fn: Json = { name: t.name };
  if (typeof t.description === 'string') fn.description = t.description;
  const parameters = t.input_schema ?? t.parameters;
  if (parameters !== undefined) fn.parameters = parameters;
  if (typeof t.strict === 'boolean') fn.strict = t.strict;
  return { type: 'function', function: fn };
}

function chatMessages(m: Json, content: unknown[]): Json[] {
  if (m.role === 'assistant' && content.some((p) => isObj(p) && p.type === 'tool_use')) {
    const calls = content.filter((p): p is Json => isObj(p) && p.type === 'tool_use').map((p) => ({
      id: p.id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) },
    }));
    const text = content.filter((p) => isObj(p) && p.type === 'text');
    const { content: _blocks, ...rest } = m;
    const prior = Array.isArray(m.tool_calls) ? m.tool_calls : [];
    return [{ ...rest, content: text.length > 0 ? text : null, tool_calls: [...prior, ...calls] }];
  }
  if (!content.some((p) => isObj(p) && p.type === 'tool_result') && !content.some(isAnthropicImage)) return [m];
  const results: Json[] = [];
  const rest: unknown[] = [];
  for (const p of content) {
    if (!isObj(p) || p.type !== 'tool_result') {
      rest.push(isAnthropicImage(p) ? imageUrlPart(p as Json) : p);
      continue;
    }
    const inner = typeof p.content === 'string' ? [{ type: 'text', text: p.content }] : Array.isArray(p.content) ? p.content : [];
    const text = inner.filter((c): c is Json => isObj(c) && c.type === 'text' && typeof c.text === 'string').map((c) => c.text as string).join('\n');
    results.push({ role: 'tool', tool_call_id: p.tool_use_id, content: text });
    for (const c of inner) if (isAnthropicImage(c)) rest.push(imageUrlPart(c as Json));
  }
  return rest.length > 0 ? [...results, { ...m, content: rest }] : results;
}

/** An Anthropic image block with a base64 or URL source. */
function isAnthropicImage(p: unknown): boolean {
  return isObj(p) && p.type === 'image' && isObj(p.source);
}

function imageUrlPart(p: Json): Json {
  const s = p.source as Json;
  const url = s.type === 'url' ? s.url : `data:${String(s.media_type)};base64,${String(s.data)}`;
  return { type: 'image_url', image_url: { url } };
}
