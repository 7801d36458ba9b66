/**
 * What the gateway adds on a coding agent's request: a long conversation with tools, the size
 * real agents send (the main bench's bodies are a few hundred bytes, which hides every cost that
 * grows with the body: reading, checking, parsing, validating, converting, re-serializing).
 * For an OpenAI client (Cline, Cursor, OpenCode…) and for Claude Code, each on an upstream of
 * its own format (the passthrough lane), and for Codex (translated to the chat upstream), it
 * prints the p50 latency at c=1 and the CPU per request of the floor and the gateway, whose
 * upstream answers at once.
 *
 *   bun bench/agent-body.ts                 # 20 turns (~100 KB), 20 tools
 *   AGENT_TURNS=100 bun bench/agent-body.ts # ~500 KB
 *
 * Knobs: AGENT_TURNS (20), AGENT_TOOLS (20), AGENT_SECONDS (4 per cell, after 2 of warm-up),
 * AGENT_CLIENTS (`openai,claude,codex`), AGENT_PROFILE=DIR (a `.cpuprofile` of the gateway, for
 * `summarize-profile.ts`).
 */
import { join } from 'node:path';
import { startFastMock } from './fast-mock-upstream.ts';
import { MODELS, prepareGateway, startGatewayProcess } from './gateway-process.ts';
import { runLoad } from './load.ts';
import { cpuMicros, CPU_UNDER_TEST, startHelper } from './processes.ts';

const TURNS = Number(process.env.AGENT_TURNS ?? 20);
const TOOLS = Number(process.env.AGENT_TOOLS ?? 20);
const SECONDS = Number(process.env.AGENT_SECONDS ?? 4);
const CLIENTS = new Set((process.env.AGENT_CLIENTS ?? 'openai,claude,codex').split(','));
const PROFILE = process.env.AGENT_PROFILE;

/** A file's worth of source: what tool results and pasted context mostly are. */
const SOURCE = 'export function add(a: number, b: number): number { return a + b; } // {}[]();\n'.repeat(30);
const SYSTEM = 'You are a coding agent working in the user\'s repository. Follow the rules below. '.repeat(150);
const schema = { type: 'object', properties: { path: { type: 'string', description: 'The file path' }, start: { type: 'integer' }, end: { type: 'integer' } }, required: ['path'] };
const describe = 'Reads a file from the workspace and returns its content with line numbers. ';

/** An OpenAI Chat body: system prompt, TURNS rounds of question, tool call and tool result. */
export function openAIAgentBody(model: string, turns = TURNS, tools = TOOLS): string {
  const messages: unknown[] = [{ role: 'system', content: SYSTEM }];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: [{ type: 'text', text: `Fix the bug in src/f${i}.ts.\n${SOURCE}` }] });
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'read_file', arguments: JSON.stringify({ path: `src/f${i}.ts` }) } }] });
    messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: SOURCE });
  }
  const defs = Array.from({ length: tools }, (_, i) => ({ type: 'function', function: { name: `tool_${i}`, description: describe.repeat(3), parameters: schema } }));
  return JSON.stringify({ model, stream: false, messages, tools: defs, tool_choice: 'auto' });
}

/** The same conversation as Claude Code sends it (Anthropic Messages). */
export function anthropicAgentBody(model: string, turns = TURNS, tools = TOOLS): string {
  const messages: unknown[] = [];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'user', content: [{ type: 'text', text: `Fix the bug in src/f${i}.ts.\n${SOURCE}` }] });
    messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }, { type: 'tool_use', id: `toolu_${i}`, name: 'read_file', input: { path: `src/f${i}.ts` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: SOURCE }] });
  }
  messages.push({ role: 'user', content: 'Go on.' });
  const defs = Array.from({ length: tools }, (_, i) => ({ name: `tool_${i}`, description: describe.repeat(3), input_schema: schema }));
  return JSON.stringify({
    model, max_tokens: 32000, stream: false, system: [{ type: 'text', text: SYSTEM, cache_control: { type: 'ephemeral' } }],
    tools: defs, messages, metadata: { user_id: 'bench' },
  });
}

/**
 * The same conversation as Codex sends it (Responses, stateless): instructions, then per turn a
 * user message, a reasoning item with its encrypted payload, the function call and its output.
 */
export function codexAgentBody(model: string, turns = TURNS, tools = TOOLS): string {
  const input: unknown[] = [];
  for (let i = 0; i < turns; i++) {
    input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: `Fix the bug in src/f${i}.ts.\n${SOURCE}` }] });
    input.push({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Reading the file first.' }], content: null, encrypted_content: `gAAAAB${'x'.repeat(400)}` });
    input.push({ type: 'function_call', name: 'read_file', arguments: JSON.stringify({ path: `src/f${i}.ts` }), call_id: `call_${i}` });
    input.push({ type: 'function_call_output', call_id: `call_${i}`, output: SOURCE });
  }
  input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Go on.' }] });
  const defs = Array.from({ length: tools }, (_, i) => ({ type: 'function', name: `tool_${i}`, description: describe.repeat(3), strict: false, parameters: schema }));
  return JSON.stringify({
    model, instructions: SYSTEM, input, tools: defs, tool_choice: 'auto', parallel_tool_calls: false, reasoning: { effort: 'medium', summary: 'auto' },
    store: false, stream: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'bench',
  });
}

if (import.meta.main) {
  const mock = startFastMock();
  const mockUrl = `http://127.0.0.1:${mock.port}`;
  const setup = prepareGateway(mockUrl, 'info');
  const floor = await startHelper(CPU_UNDER_TEST, 'floor-proxy.ts', ['--upstream', mockUrl], join(setup.dataDir, 'floor.log'));
  const gw = await startGatewayProcess(setup, 'agent', PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : []);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${setup.key}`, 'x-api-key': setup.key, 'anthropic-version': '2023-06-01' };
  const cells = [
    { id: 'openai', client: 'OpenAI Chat', path: '/v1/chat/completions', floor: openAIAgentBody('bench-model'), gateway: openAIAgentBody(MODELS.passthrough) },
    { id: 'claude', client: 'Claude Code', path: '/v1/messages', floor: anthropicAgentBody('claude-bench'), gateway: anthropicAgentBody(MODELS.translated) },
    // Translated (no Responses upstream here): the floor forwards the same body to the chat endpoint.
    { id: 'codex', client: 'Codex → Chat upstream', path: '/v1/responses', floorPath: '/v1/chat/completions', floor: codexAgentBody('bench-model'), gateway: codexAgentBody(MODELS.passthrough) },
  ].filter((c) => CLIENTS.has(c.id));
  const rows = ['| client | body | floor p50 | gateway p50 | added (p50) | floor CPU/req | gateway CPU/req |', '|---|--:|--:|--:|--:|--:|--:|'];
  try {
    for (const c of cells) {
      const measure = async (url: string, body: string, pid: number) => {
        await runLoad({ url, body, headers, connections: 1, seconds: 2 });
        const before = cpuMicros(pid);
        const r = await runLoad({ url, body, headers, connections: 1, seconds: SECONDS });
        if (r.errors > 0) throw new Error(`${c.client}: ${r.errors} errors`);
        return { p50: r.p50Ms * 1000, cpu: (cpuMicros(pid) - before) / r.requests };
      };
      const f = await measure(floor.url + ('floorPath' in c ? c.floorPath : c.path), c.floor, floor.child.pid);
      const g = await measure(gw.url + c.path, c.gateway, gw.child.pid);
      const us = (n: number) => `${Math.round(n)} µs`;
      rows.push(`| ${c.client} | ${Math.round(c.gateway.length / 1024)} KB | ${us(f.p50)} | ${us(g.p50)} | ${us(g.p50 - f.p50)} | ${us(f.cpu)} | ${us(g.cpu)} |`);
    }
  } finally {
    await gw.child.stop();
    await floor.child.stop();
    mock.stop();
  }
  console.log(`${TURNS} turns, ${TOOLS} tools, c=1, ${SECONDS} s per cell\n${rows.join('\n')}`);
  process.exit(0);
}
