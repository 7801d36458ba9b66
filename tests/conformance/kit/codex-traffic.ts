/**
 * Requests shaped like Codex CLI's traffic (`POST /v1/responses`, streamed, stateless):
 * `store: false`, `include: ["reasoning.encrypted_content"]`, `reasoning: {effort, summary}`,
 * `prompt_cache_key`, `client_metadata`, `text.verbosity`, a developer + environment-context
 * preamble, and its function tools (a `shell` tool among them) with `parallel_tool_calls`.
 */

type Json = Record<string, unknown>;

const fn = (name: string, description: string, parameters: Json): Json => ({ type: 'function', name, description, strict: false, parameters });

export const CODEX_TOOLS: Json[] = [
  fn('shell', 'Runs a shell command and returns its output.', {
    type: 'object',
    properties: {
      command: { type: 'array', items: { type: 'string' }, description: 'The command to execute' },
      workdir: { type: 'string', description: 'The working directory to execute the command in' },
      timeout_ms: { type: 'number', description: 'The timeout for the command in milliseconds' },
      with_escalated_permissions: { type: 'boolean', description: 'Whether to request escalated permissions.' },
      justification: { type: 'string', description: 'Only set if with_escalated_permissions is true.' },
    },
    required: ['command'],
    additionalProperties: false,
  }),
  fn('update_plan', 'Updates the task plan.', {
    type: 'object',
    properties: {
      explanation: { type: 'string' },
      plan: {
        type: 'array', description: 'The list of steps',
        items: { type: 'object', properties: { step: { type: 'string' }, status: { type: 'string', description: 'One of: pending, in_progress, completed' } }, required: ['step', 'status'], additionalProperties: false },
      },
    },
    required: ['plan'],
    additionalProperties: false,
  }),
  fn('view_image', 'Attach a local image (by filesystem path) to the conversation context for this turn.', {
    type: 'object', properties: { path: { type: 'string', description: 'Local filesystem path to an image file' } }, required: ['path'], additionalProperties: false,
  }),
];

/** The first request of a Codex turn (the prompt mentions the weather: every mock answers with a tool call). */
export function codexRequest(model: string): Json {
  return {
    model,
    instructions: `You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's computer. ${'Follow the repository conventions. '.repeat(30)}`,
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>Filesystem sandboxing: workspace-write. Approval policy: on-request.</permissions instructions>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context>\n  <cwd>/home/dev/project</cwd>\n  <shell>bash</shell>\n</environment_context>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Check the weather in Paris with a shell command.' }] },
    ],
    tools: CODEX_TOOLS,
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '0199f6a2-7c1e-7b31-9d4e-5a8b2c3d4e5f',
    text: { verbosity: 'medium' },
    client_metadata: { originator: 'codex_cli_rs', session_id: '0199f6a2-7c1e-7b31-9d4e-5a8b2c3d4e5f' },
  };
}

/** Headers Codex sends besides the key. */
export const CODEX_HEADERS: Record<string, string> = {
  originator: 'codex_cli_rs',
  session_id: '0199f6a2-7c1e-7b31-9d4e-5a8b2c3d4e5f',
  version: '0.46.0',
  'content-type': 'application/json',
  accept: 'text/event-stream',
};
