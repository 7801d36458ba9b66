/**
 * Reads the body an upstream received back into one neutral view, so a case can assert "the
 * system prompt arrived", "the tool result answers the call", "the signature went back" the same
 * way for the four wire formats.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://platform.openai.com/docs/api-reference/responses/create
 * @see https://ai.google.dev/api/generate-content
 */

type Json = Record<string, unknown>;

export interface ViewTurn {
  role: 'user' | 'assistant' | 'tool' | 'system';
  text: string;
  images: Array<{ mediaType: string; data: string }>;
  calls: Array<{ id?: string; name: string; args: Json; signature?: string }>;
  results: Array<{ id?: string; name?: string; output: string }>;
  reasoning: Array<{ text: string; signature?: string }>;
}

export interface UpstreamView {
  system: string;
  turns: ViewTurn[];
  tools: Array<{ name: string; schema: Json }>;
  stop: string[];
  /** The structured-output schema the upstream was asked for (native field or Anthropic's tool trick). */
  json?: Json;
  thinking: boolean;
}

export type WireFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const turn = (role: ViewTurn['role']): ViewTurn => ({ role, text: '', images: [], calls: [], results: [], reasoning: [] });
const addText = (t: ViewTurn, text: string) => { t.text = t.text ? `${t.text}\n${text}` : text; };
const parse = (s: unknown): Json => { try { return obj(JSON.parse(str(s))); } catch { return {}; } };
const dataUrl = (url: string) => {
  const m = /^data:([^;]+);base64,(.*)$/s.exec(url);
  return m ? { mediaType: m[1], data: m[2] } : undefined;
};

/** The neutral view of one request body of the given wire format. */
export function readUpstreamRequest(format: WireFormat, body: unknown): UpstreamView {
  const b = obj(body);
  switch (format) {
    case 'openai': return readOpenAI(b);
    case 'anthropic': return readAnthropic(b);
    case 'responses': return readResponses(b);
    case 'gemini': return readGemini(b);
  }
}

function readOpenAI(b: Json): UpstreamView {
  const view: UpstreamView = { system: '', turns: [], tools: [], stop: [], thinking: b.reasoning_effort !== undefined };
  for (const m of arr(b.messages)) {
    const role = m.role === 'developer' ? 'system' : (m.role as ViewTurn['role']);
    const t = turn(role);
    const content = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : arr(m.content);
    for (const p of content) {
      if (p.type === 'text') addText(t, str(p.text));
      if (p.type === 'image_url') { const d = dataUrl(str(obj(p.image_url).url)); if (d) t.images.push(d); }
    }
    for (const c of arr(m.tool_calls)) t.calls.push({ id: str(c.id), name: str(obj(c.function).name), args: parse(obj(c.function).arguments) });
    if (typeof m.reasoning_content === 'string') t.reasoning.push({ text: m.reasoning_content });
    if (role === 'tool') { t.results.push({ id: str(m.tool_call_id), output: t.text }); t.text = ''; }
    if (role === 'system') view.system = view.system ? `${view.system}\n${t.text}` : t.text;
    else view.turns.push(t);
  }
  view.tools = arr(b.tools).map((x) => ({ name: str(obj(x.function).name), schema: obj(obj(x.function).parameters) }));
  view.stop = typeof b.stop === 'string' ? [b.stop] : arr(b.stop).map(str);
  const rf = obj(b.response_format);
  if (rf.type === 'json_schema') view.json = obj(obj(rf.json_schema).schema);
  if (rf.type === 'json_object') view.json = {};
  return view;
}

function readAnthropic(b: Json): UpstreamView {
  const system = typeof b.system === 'string' ? b.system : arr(b.system).map((x) => str(x.text)).join('\n');
  const view: UpstreamView = { system, turns: [], tools: [], stop: arr(b.stop_sequences).map(str), thinking: obj(b.thinking).type !== undefined && obj(b.thinking).type !== 'disabled' };
  for (const m of arr(b.messages)) {
    const t = turn(m.role as ViewTurn['role']);
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : arr(m.content);
    for (const x of blocks) {
      if (x.type === 'text') addText(t, str(x.text));
      if (x.type === 'image' && obj(x.source).type === 'base64') t.images.push({ mediaType: str(obj(x.source).media_type), data: str(obj(x.source).data) });
      if (x.type === 'tool_use') t.calls.push({ id: str(x.id), name: str(x.name), args: obj(x.input) });
      if (x.type === 'tool_result') {
        const out = typeof x.content === 'string' ? x.content : arr(x.content).map((c) => str(c.text)).join('');
        t.results.push({ id: str(x.tool_use_id), output: out });
      }
      if (x.type === 'thinking') t.reasoning.push({ text: str(x.thinking), signature: str(x.signature) });
      if (x.type === 'redacted_thinking') t.reasoning.push({ text: '', signature: str(x.data) });
    }
    view.turns.push(t);
  }
  const tools = arr(b.tools);
  const trick = tools.find((x) => x.name === 'json_output');
  view.tools = tools.filter((x) => x !== trick).map((x) => ({ name: str(x.name), schema: obj(x.input_schema) }));
  const native = obj(obj(b.output_config).format);
  if (native.type === 'json_schema') view.json = obj(native.schema);
  else if (trick) view.json = obj(trick.input_schema);
  return view;
}

function readResponses(b: Json): UpstreamView {
  const view: UpstreamView = { system: str(b.instructions), turns: [], tools: [], stop: [], thinking: b.reasoning !== undefined };
  const input = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : arr(b.input);
  let last: ViewTurn | undefined;
  const open = (role: ViewTurn['role']): ViewTurn => {
    if (last?.role === role && role === 'assistant') return last;
    last = turn(role);
    view.turns.push(last);
    return last;
  };
  for (const item of input) {
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role === 'developer' ? 'system' : (item.role as ViewTurn['role']);
      const t = role === 'system' ? turn('system') : open(role);
      const parts = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : arr(item.content);
      for (const p of parts) {
        if (p.type === 'input_text' || p.type === 'output_text') addText(t, str(p.text));
        if (p.type === 'input_image') { const d = dataUrl(str(p.image_url)); if (d) t.images.push(d); }
      }
      if (role === 'system') view.system = view.system ? `${view.system}\n${t.text}` : t.text;
    } else if (type === 'function_call') {
      open('assistant').calls.push({ id: str(item.call_id), name: str(item.name), args: parse(item.arguments) });
    } else if (type === 'reasoning') {
      open('assistant').reasoning.push({ text: arr(item.summary).map((s) => str(s.text)).join(''), signature: str(item.encrypted_content) || undefined });
    } else if (type === 'function_call_output') {
      open('tool').results.push({ id: str(item.call_id), output: typeof item.output === 'string' ? item.output : JSON.stringify(item.output) });
    }
  }
  view.tools = arr(b.tools).filter((x) => x.type === 'function').map((x) => ({ name: str(x.name), schema: obj(x.parameters) }));
  const format = obj(obj(b.text).format);
  if (format.type === 'json_schema') view.json = obj(format.schema);
  return view;
}

function readGemini(b: Json): UpstreamView {
  const gc = obj(b.generationConfig);
  const system = arr(obj(b.systemInstruction).parts).map((p) => str(p.text)).join('\n');
  const view: UpstreamView = { system, turns: [], tools: [], stop: arr(gc.stopSequences).map(str), thinking: gc.thinkingConfig !== undefined };
  for (const c of arr(b.contents)) {
    const t = turn(c.role === 'model' ? 'assistant' : 'user');
    for (const p of arr(c.parts)) {
      const sig = typeof p.thoughtSignature === 'string' ? p.thoughtSignature : undefined;
      if (p.thought === true) t.reasoning.push({ text: str(p.text), signature: sig });
      else if (typeof p.text === 'string') { addText(t, p.text); if (sig) t.reasoning.push({ text: '', signature: sig }); }
      if (p.inlineData) t.images.push({ mediaType: str(obj(p.inlineData).mimeType), data: str(obj(p.inlineData).data) });
      if (p.functionCall) {
        const fc = obj(p.functionCall);
        t.calls.push({ id: str(fc.id) || undefined, name: str(fc.name), args: obj(fc.args), signature: sig });
      }
      if (p.functionResponse) {
        const fr = obj(p.functionResponse);
        const response = obj(fr.response);
        const output = typeof response.output === 'string' ? response.output : JSON.stringify(response);
        t.results.push({ id: str(fr.id) || undefined, name: str(fr.name), output });
      }
    }
    view.turns.push(t);
  }
  view.tools = arr(b.tools).flatMap((x) => arr(x.functionDeclarations)).map((d) => ({ name: str(d.name), schema: obj(d.parameters ?? d.parametersJsonSchema) }));
  if (gc.responseSchema !== undefined || gc.responseJsonSchema !== undefined) view.json = obj(gc.responseSchema ?? gc.responseJsonSchema);
  else if (gc.responseMimeType === 'application/json') view.json = {};
  return view;
}

/** Every signature-like string in the view (reasoning signatures and call signatures). */
export function signaturesIn(view: UpstreamView): string[] {
  return view.turns.flatMap((t) => [...t.reasoning.map((r) => r.signature), ...t.calls.map((c) => c.signature)]).filter((s): s is string => Boolean(s));
}
