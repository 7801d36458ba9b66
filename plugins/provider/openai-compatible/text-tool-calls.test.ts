import { describe, expect, test } from 'bun:test';
import type { ToolDefinition } from '../../../core/types/hub.ts';
import { startsHarmony } from './harmony-text.ts';
import type { ToolTextSegment } from './text-segments.ts';
import { createToolTextSplitter, splitToolText } from './text-tool-calls.ts';

const TOOLS: ToolDefinition[] = [
  { name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' }, limit: { type: 'integer' } } } },
  { name: 'Write', parameters: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' }, lines: { type: 'array' }, force: { type: ['boolean', 'null'] } } } },
  { name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array' } } } },
];

/** `text` pushed in pieces of `size` characters (0: whole), joined the way a consumer would. */
function streamed(text: string, size: number): ToolTextSegment[] {
  const s = createToolTextSplitter(TOOLS);
  const raw: ToolTextSegment[] = [];
  const step = size || text.length;
  for (let i = 0; i < text.length; i += step) raw.push(...s.push(text.slice(i, i + step)));
  raw.push(...s.flush());
  const out: ToolTextSegment[] = [];
  for (const seg of raw) {
    const last = out.at(-1);
    if ('text' in seg && last && 'text' in last) out[out.length - 1] = { text: last.text + seg.text };
    else if ('reasoning' in seg && last && 'reasoning' in last) out[out.length - 1] = { reasoning: last.reasoning + seg.reasoning };
    else out.push(seg);
  }
  return out;
}

/** Every split gives the same segments as the whole text. */
function each(text: string, expected: ToolTextSegment[]): void {
  expect(splitToolText(text, TOOLS)).toEqual(expected);
  for (const size of [1, 2, 3, 7, 13]) expect([size, streamed(text, size)]).toEqual([size, expected]);
}

describe('tool calls written as text', () => {
  test('Hermes form: text around it stays text', () => {
    each('I will read it.\n<tool_call>\n{"name": "Read", "arguments": {"file_path": "/a.ts"}}\n</tool_call>', [
      { text: 'I will read it.\n' }, { call: { name: 'Read', arguments: '{"file_path":"/a.ts"}' } },
    ]);
    each('<tool_call>{"name": "Read", "arguments": "{\\"file_path\\": \\"/b.ts\\"}"}</tool_call> done', [
      { call: { name: 'Read', arguments: '{"file_path": "/b.ts"}' } }, { text: ' done' },
    ]);
  });

  test('Qwen3-Coder form: values take the types the tool declares; strings keep their inner newlines', () => {
    const text = '<tool_call>\n<function=Write>\n<parameter=file_path>\n/src/x.py\n</parameter>\n<parameter=content>\ndef f():\n    return 1\n</parameter>\n'
      + '<parameter=lines>\n[1, 2]\n</parameter>\n<parameter=force>\ntrue\n</parameter>\n</function>\n</tool_call>';
    each(text, [{ call: { name: 'Write', arguments: JSON.stringify({ file_path: '/src/x.py', content: 'def f():\n    return 1', lines: [1, 2], force: true }) } }]);
  });

  test('Qwen3-Coder without its opening tag (Ollama), and two calls in a row', () => {
    each('Reading.\n\n<function=Read>\n<parameter=file_path>\n/a.md\n</parameter>\n<parameter=limit>\n20\n</parameter>\n</function>\n</tool_call>', [
      { text: 'Reading.\n\n' }, { call: { name: 'Read', arguments: '{"file_path":"/a.md","limit":20}' } },
    ]);
    each('<function=Read><parameter=file_path>/a</parameter></function><function=Read><parameter=file_path>/b</parameter></function>', [
      { call: { name: 'Read', arguments: '{"file_path":"/a"}' } }, { call: { name: 'Read', arguments: '{"file_path":"/b"}' } },
    ]);
  });

  test('GLM form (a name, then key and value tags), on lines or inline as llama.cpp passes it on', () => {
    each('Let me look.\n<tool_call>Write\n<arg_key>file_path</arg_key>\n<arg_value>/a.txt</arg_value>\n<arg_key>lines</arg_key>\n<arg_value>[1, 2]</arg_value>\n</tool_call>', [
      { text: 'Let me look.\n' }, { call: { name: 'Write', arguments: '{"file_path":"/a.txt","lines":[1,2]}' } },
    ]);
    each('<tool_call>Read <arg_key>file_path</arg_key> <arg_value>backend</arg_value> </tool_call>', [{ call: { name: 'Read', arguments: '{"file_path":"backend"}' } }]);
    each('<tool_call>Read</tool_call>', [{ call: { name: 'Read', arguments: '{}' } }]);
    each('<tool_call>Read <arg_key>file_path</arg_key> stray text</tool_call>', [{ text: '<tool_call>Read <arg_key>file_path</arg_key> stray text</tool_call>' }]);
  });

  test('Kimi K2\'s markup (its special tokens as text): a section of calls, or one call alone', () => {
    each('Reading both.<|tool_calls_section_begin|><|tool_call_begin|>functions.Read:0<|tool_call_argument_begin|>{"file_path": "/a"}<|tool_call_end|>'
      + '<|tool_call_begin|>functions.Read:1<|tool_call_argument_begin|>{"file_path": "/b"}<|tool_call_end|><|tool_calls_section_end|>', [
      { text: 'Reading both.' }, { call: { name: 'Read', arguments: '{"file_path": "/a"}' } }, { call: { name: 'Read', arguments: '{"file_path": "/b"}' } },
    ]);
    each('<|tool_call_begin|>functions.Read:0<|tool_call_argument_begin|>{"file_path": "/c"}<|tool_call_end|>', [{ call: { name: 'Read', arguments: '{"file_path": "/c"}' } }]);
    const undeclared = '<|tool_calls_section_begin|><|tool_call_begin|>functions.Bash:0<|tool_call_argument_begin|>{"command": "ls"}<|tool_call_end|><|tool_calls_section_end|>';
    each(undeclared, [{ text: undeclared }]);
  });

  test('DeepSeek\'s markup (its special tokens as text): V3.1\'s NAME<｜tool▁sep｜>{…}, V3\'s function<｜tool▁sep｜>NAME and a fenced object', () => {
    each('Let me read.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>Read<｜tool▁sep｜>{"file_path": "/a"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>', [
      { text: 'Let me read.' }, { call: { name: 'Read', arguments: '{"file_path": "/a"}' } },
    ]);
    each('<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>Read\n```json\n{"file_path": "/b"}\n```<｜tool▁call▁end｜>'
      + '<｜tool▁call▁begin｜>function<｜tool▁sep｜>Read\n```json\n{"file_path": "/c"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>', [
      { call: { name: 'Read', arguments: '{"file_path": "/b"}' } }, { call: { name: 'Read', arguments: '{"file_path": "/c"}' } },
    ]);
    const undeclared = '<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>Bash<｜tool▁sep｜>{"command": "ls"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>';
    each(undeclared, [{ text: undeclared }]);
  });

  test('Mistral\'s markup: NAME[ARGS]{…} per call (Devstral, Small 3.2), [CALL_ID] too, and the older JSON list', () => {
    each('I will read both.[TOOL_CALLS]Read[ARGS]{"file_path": "/a"}[TOOL_CALLS]Read[ARGS]{"file_path": "/b", "limit": 5}</s>', [
      { text: 'I will read both.' }, { call: { name: 'Read', arguments: '{"file_path": "/a"}' } },
      { call: { name: 'Read', arguments: '{"file_path": "/b", "limit": 5}' } },
    ]);
    each('[TOOL_CALLS]Read[CALL_ID]a1b2c3d4e[ARGS]{"file_path": "/c"}', [{ call: { name: 'Read', arguments: '{"file_path": "/c"}' } }]);
    each('[TOOL_CALLS]Read{"file_path": "/d"}', [{ call: { name: 'Read', arguments: '{"file_path": "/d"}' } }]);
    each('[TOOL_CALLS] [{"name": "Read", "arguments": {"file_path": "/e"}}, {"name": "Write", "arguments": {"file_path": "/f", "content": "x"}}]', [
      { call: { name: 'Read', arguments: '{"file_path":"/e"}' } }, { call: { name: 'Write', arguments: '{"file_path":"/f","content":"x"}' } },
    ]);
    for (const text of [
      '[TOOL_CALLS]Bash[ARGS]{"command": "ls"}',
      '[TOOL_CALLS]Read[ARGS]{"file_path": "/a"}[TOOL_CALLS]Bash[ARGS]{"command": "ls"}',
      '[TOOL_CALLS] [{"name": "Bash", "arguments": {}}]',
      'See [TOOL_CALLS] in the docs.',
    ]) each(text, [{ text }]);
  });

  test('Llama 3.x markup: <|python_tag|> and one JSON call, its end-of-message token dropped', () => {
    each('<|python_tag|>{"name": "Read", "parameters": {"file_path": "/a"}}<|eom_id|>', [{ call: { name: 'Read', arguments: '{"file_path":"/a"}' } }]);
    each('Checking.\n<|python_tag|>{"name": "Read", "parameters": {"file_path": "/b"}}', [
      { text: 'Checking.\n' }, { call: { name: 'Read', arguments: '{"file_path":"/b"}' } },
    ]);
    const builtin = '<|python_tag|>brave_search.call(query="bun sqlite")';
    each(builtin, [{ text: builtin }]);
  });

  test('a Hermes call whose closing tag the model left out, at the end of its output', () => {
    each('<tool_call>\n{"name": "Read", "arguments": {"file_path": "/a.ts"}}\n', [{ call: { name: 'Read', arguments: '{"file_path":"/a.ts"}' } }]);
  });

  test('a long call streamed in many small deltas is read in linear time', () => {
    const content = 'x'.repeat(800_000);
    const s = createToolTextSplitter(TOOLS);
    const started = performance.now();
    s.push('<tool_call>{"name": "Write", "arguments": {"file_path": "/big", "content": "');
    for (let i = 0; i < content.length; i += 4) s.push(content.slice(i, i + 4));
    const out = s.push('"}}</tool_call>');
    expect(performance.now() - started).toBeLessThan(1500); // ~60 ms; reading the block again on each delta took ~6 s
    expect(JSON.parse((out[0] as { call: { arguments: string } }).call.arguments).content.length).toBe(800_000);
  });

  test('a Qwen3-Coder call the output ends inside, closing tags dropped (Continue\'s report)', () => {
    each('<function=Write>\n<parameter=file_path> test.txt\n<parameter=content> hello\n', [
      { call: { name: 'Write', arguments: '{"file_path":"test.txt","content":"hello"}' } },
    ]);
  });

  test('what stays text: undeclared tools, prose about the syntax, unreadable blocks, a Hermes block cut off', () => {
    for (const text of [
      '<tool_call>{"name": "Bash", "arguments": {"command": "ls"}}</tool_call>',
      'Write <function=name> then each <parameter=key>.',
      '<tool_call>not json</tool_call>',
      '<tool_call>{"name": "Read", "arguments": {"file_path": "/a',
      'a < b and c <tool',
      '<function=Read>\ngarbage<parameter=file_path>/x</parameter></function>',
    ]) each(text, [{ text }]);
  });

  test('a marker cut across deltas is held, not sent as text', () => {
    const s = createToolTextSplitter(TOOLS);
    expect(s.push('Sure <tool_')).toEqual([{ text: 'Sure ' }]);
    expect(s.push('call>{"name": "Read", "arguments": {}}')).toEqual([]);
    expect(s.push('</tool_call>')).toEqual([{ call: { name: 'Read', arguments: '{}' } }]);
    expect(s.flush()).toEqual([]);
  });
});

describe('gpt-oss Harmony messages passed on as text', () => {
  test('the analysis channel is reasoning; a message to functions.NAME is a call of it', () => {
    each('<|channel|>analysis<|message|>Need to read the file.<|end|><|start|>assistant<|channel|>commentary to=functions.Read <|constrain|>json<|message|>{"file_path":"/a"}<|call|>', [
      { reasoning: 'Need to read the file.' }, { call: { name: 'Read', arguments: '{"file_path":"/a"}' } },
    ]);
  });

  test('the final channel is the answer; the end tokens are left out', () => {
    each('<|channel|>analysis<|message|>Simple.<|end|><|start|>assistant<|channel|>final<|message|>Hello there!<|return|>', [
      { reasoning: 'Simple.' }, { text: 'Hello there!' },
    ]);
    each('<|start|>assistant<|channel|>final<|message|>Only an answer.', [{ text: 'Only an answer.' }]);
    // Line breaks some servers put between messages are not text.
    each('\n<|channel|>analysis<|message|>Hm.<|end|>\n\n<|start|>assistant<|channel|>final<|message|>Done.<|return|>\n', [{ reasoning: 'Hm.' }, { text: 'Done.' }]);
  });

  test('the recipient before the channel, `json` glued to the name, no end token at the end of the output', () => {
    each('<|start|>assistant to=functions.shelljson<|channel|>commentary<|message|>{"command":["ls","-la"]}<|call|>', [
      { call: { name: 'shell', arguments: '{"command":["ls","-la"]}' } },
    ]);
    each('<|channel|>commentary to=functions.Read json<|message|>{"file_path":"/c"}', [{ call: { name: 'Read', arguments: '{"file_path":"/c"}' } }]);
  });

  test('a preamble to the user, then two calls', () => {
    each('<|channel|>commentary<|message|>Reading both.<|end|><|start|>assistant<|channel|>commentary to=functions.Read<|message|>{"file_path":"/a"}<|call|>'
      + '<|start|>assistant<|channel|>commentary to=functions.Read<|message|>{"file_path":"/b"}<|call|>', [
      { text: 'Reading both.' }, { call: { name: 'Read', arguments: '{"file_path":"/a"}' } }, { call: { name: 'Read', arguments: '{"file_path":"/b"}' } },
    ]);
  });

  test('a call of a tool the request did not declare (gpt-oss\'s own browser), or unreadable arguments, stays text', () => {
    const browser = '<|channel|>commentary to=browser.search <|constrain|>json<|message|>{"query":"bun"}<|call|>';
    each(browser, [{ text: browser }]);
    const broken = '<|channel|>commentary to=functions.Read<|message|>not json at all<|call|>';
    each(broken, [{ text: broken }]);
  });

  test('only an output that starts with a Harmony message is read so; other markup keeps its own forms', () => {
    expect([startsHarmony(' <|chan'), startsHarmony('<|channel|>final'), startsHarmony('<|tool_call'), startsHarmony('Hello')]).toEqual([undefined, true, false, false]);
    each('See <|channel|>final<|message|> in the docs.', [{ text: 'See <|channel|>final<|message|> in the docs.' }]);
    each('<tool_call>{"name": "Read", "arguments": {"file_path": "/h"}}</tool_call>', [{ call: { name: 'Read', arguments: '{"file_path":"/h"}' } }]);
    each('<', [{ text: '<' }]);
  });
});
