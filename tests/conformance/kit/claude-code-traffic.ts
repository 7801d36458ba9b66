/**
 * A request shaped like Claude Code's own traffic (`POST /v1/messages?beta=true`, streamed):
 * adaptive thinking, `cache_control` on system, tools and the last user block,
 * `context_management`, `metadata.user_id`, the `anthropic-beta` flags it sends, and its ~24
 * tools with draft-07 JSON schemas (`$schema`, `additionalProperties: false`, `format: uri`,
 * dash-named properties such as Grep's `-A`). Schemas are abridged in wording, not in shape.
 */

type Json = Record<string, unknown>;

const S = 'http://json-schema.org/draft-07/schema#';
const str = (description: string, extra: Json = {}) => ({ type: 'string', description, ...extra });
const num = (description: string) => ({ type: 'number', description });
const bool = (description: string) => ({ type: 'boolean', description });
const obj = (properties: Json, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false, $schema: S });
const tool = (name: string, description: string, input_schema: Json): Json => ({ name, description, input_schema });

/** The tool list, in Claude Code's order (Task first). */
export const CLAUDE_CODE_TOOLS: Json[] = [
  tool('Task', 'Launch a new agent to handle complex, multi-step tasks autonomously. '.repeat(12), obj({
    description: str('A short (3-5 word) description of the task'), prompt: str('The task for the agent to perform'),
    subagent_type: str('The type of specialized agent to use for this task'), model: str('Optional model', { enum: ['sonnet', 'opus', 'haiku'] }),
  }, ['description', 'prompt', 'subagent_type'])),
  tool('Bash', 'Executes a given bash command in a persistent shell session with optional timeout. '.repeat(20), obj({
    command: str('The command to execute'), timeout: num('Optional timeout in milliseconds (max 600000)'),
    description: str('Clear, concise description of what this command does in 5-10 words'),
    run_in_background: bool('Set to true to run this command in the background'),
    dangerouslyDisableSandbox: bool('Set this to true to dangerously override sandbox mode'),
  }, ['command'])),
  tool('Glob', 'Fast file pattern matching tool that works with any codebase size.', obj({ pattern: str('The glob pattern to match files against'), path: str('The directory to search in') }, ['pattern'])),
  tool('Grep', 'A powerful search tool built on ripgrep. '.repeat(10), obj({
    pattern: str('The regular expression pattern to search for in file contents'), path: str('File or directory to search in'),
    glob: str('Glob pattern to filter files'), output_mode: str('Output mode', { enum: ['content', 'files_with_matches', 'count'] }),
    '-B': num('Number of lines to show before each match'), '-A': num('Number of lines to show after each match'),
    '-C': num('Number of lines to show before and after each match'), '-n': bool('Show line numbers in output'),
    '-i': bool('Case insensitive search'), type: str('File type to search'), head_limit: num('Limit output to first N lines/entries'),
    multiline: bool('Enable multiline mode'),
  }, ['pattern'])),
  tool('ExitPlanMode', 'Use this tool when you are in plan mode and have finished presenting your plan.', obj({ plan: str('The plan you came up with') }, ['plan'])),
  tool('Read', 'Reads a file from the local filesystem. '.repeat(15), obj({
    file_path: str('The absolute path to the file to read'), offset: num('The line number to start reading from'), limit: num('The number of lines to read'),
  }, ['file_path'])),
  tool('Edit', 'Performs exact string replacements in files. '.repeat(12), obj({
    file_path: str('The absolute path to the file to modify'), old_string: str('The text to replace'),
    new_string: str('The text to replace it with'), replace_all: { type: 'boolean', default: false, description: 'Replace all occurences' },
  }, ['file_path', 'old_string', 'new_string'])),
  tool('Write', 'Writes a file to the local filesystem.', obj({ file_path: str('The absolute path to the file to write'), content: str('The content to write to the file') }, ['file_path', 'content'])),
  tool('NotebookEdit', 'Completely replaces the contents of a specific cell in a Jupyter notebook.', obj({
    notebook_path: str('The absolute path to the Jupyter notebook file'), cell_id: str('The ID of the cell to edit'),
    new_source: str('The new source for the cell'), cell_type: str('The type of the cell', { enum: ['code', 'markdown'] }),
    edit_mode: str('The type of edit to make', { enum: ['replace', 'insert', 'delete'] }),
  }, ['notebook_path', 'new_source'])),
  tool('WebFetch', 'Fetches content from a specified URL and processes it using an AI model.', obj({
    url: str('The URL to fetch content from', { format: 'uri' }), prompt: str('The prompt to run on the fetched content'),
  }, ['url', 'prompt'])),
  tool('TodoWrite', 'Use this tool to create and manage a structured task list for your current coding session. '.repeat(25), obj({
    todos: {
      type: 'array', description: 'The updated todo list',
      items: {
        type: 'object', additionalProperties: false, required: ['content', 'status', 'activeForm'],
        properties: { content: { type: 'string', minLength: 1 }, status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] }, activeForm: { type: 'string', minLength: 1 } },
      },
    },
  }, ['todos'])),
  tool('WebSearch', 'Allows Claude to search the web and use the results to inform responses.', obj({
    query: str('The search query to use', { minLength: 2 }),
    allowed_domains: { type: 'array', items: { type: 'string' }, description: 'Only include search results from these domains' },
    blocked_domains: { type: 'array', items: { type: 'string' }, description: 'Never include search results from these domains' },
  }, ['query'])),
  tool('BashOutput', 'Retrieves output from a running or completed background bash shell.', obj({ bash_id: str('The ID of the background shell'), filter: str('Optional regular expression to filter the output lines') }, ['bash_id'])),
  tool('KillShell', 'Kills a running background bash shell by its ID.', obj({ shell_id: str('The ID of the background shell to kill') }, ['shell_id'])),
  tool('SlashCommand', 'Execute a slash command within the main conversation.', obj({ command: str('The slash command to execute with its arguments') }, ['command'])),
  tool('Skill', 'Execute a skill within the main conversation.', obj({ command: str('The skill name (no arguments)') }, ['command'])),
  tool('AskUserQuestion', 'Use this tool when you need to ask the user questions during execution.', obj({
    questions: {
      type: 'array', minItems: 1, maxItems: 4,
      items: {
        type: 'object', additionalProperties: false, required: ['question', 'header', 'options', 'multiSelect'],
        properties: {
          question: { type: 'string' }, header: { type: 'string' }, multiSelect: { type: 'boolean' },
          options: { type: 'array', minItems: 2, maxItems: 4, items: { type: 'object', additionalProperties: false, required: ['label', 'description'], properties: { label: { type: 'string' }, description: { type: 'string' } } } },
        },
      },
    },
  }, ['questions'])),
  tool('EnterPlanMode', 'Switch to plan mode.', obj({}, [])),
  tool('mcp__ide__getDiagnostics', 'Get language diagnostics from VS Code', obj({ uri: str('Optional file URI to get diagnostics for') })),
  tool('mcp__ide__executeCode', 'Execute python code in the Jupyter kernel for the current notebook file.', obj({ code: str('The code to be executed on the kernel.') }, ['code'])),
  tool('mcp__context7__resolve-library-id', 'Resolves a package name to a Context7-compatible library ID.', obj({ libraryName: str('Library name to search for') }, ['libraryName'])),
  tool('mcp__context7__get-library-docs', 'Fetches up-to-date documentation for a library.', obj({
    context7CompatibleLibraryID: str('Exact Context7-compatible library ID'), topic: str('Topic to focus documentation on'),
    tokens: { type: 'number', description: 'Maximum number of tokens of documentation to retrieve', default: 5000 },
  }, ['context7CompatibleLibraryID'])),
  tool('mcp__github__create_issue', 'Create a new issue in a GitHub repository', obj({
    owner: str('Repository owner'), repo: str('Repository name'), title: str('Issue title'), body: str('Issue body content'),
    labels: { type: 'array', items: { type: 'string' } }, assignees: { type: 'array', items: { type: 'string' } },
    milestone: { type: ['number', 'null'], description: 'Milestone number' },
  }, ['owner', 'repo', 'title'])),
  { ...tool('mcp__github__search_code', 'Search for code across GitHub repositories', obj({ q: str('Search query'), page: { type: 'number', minimum: 1 }, per_page: { type: 'number', minimum: 1, maximum: 100 } }, ['q'])), cache_control: { type: 'ephemeral' } },
];

/** The `anthropic-beta` flags of a Claude Code request. */
export const CLAUDE_CODE_BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14,context-management-2025-06-27';

/** The first request of a session (the prompt mentions the weather, so every mock answers with a tool call). */
export function claudeCodeRequest(model: string): Json {
  return {
    model,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>\nAs you answer the user\'s questions, you can use the following context:\n# important-instruction-reminders\nDo what has been asked; nothing more, nothing less.\n</system-reminder>' },
        { type: 'text', text: 'Check the weather in Paris before we deploy.', cache_control: { type: 'ephemeral' } },
      ],
    }],
    system: [
      { type: 'text', text: 'You are Claude Code, Anthropic\'s official CLI for Claude.', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: `You are an interactive CLI tool that helps users with software engineering tasks. ${'Use the instructions below and the tools available to you to assist the user. '.repeat(40)}`, cache_control: { type: 'ephemeral' } },
    ],
    tools: CLAUDE_CODE_TOOLS,
    metadata: { user_id: 'user_5f2c9e0d1a_account__session_8d7e4c3b-2a19-4f60-9b5e-1c0d3e2f4a5b' },
    max_tokens: 32000,
    thinking: { type: 'adaptive' },
    context_management: { edits: [{ type: 'clear_tool_uses_20250919', trigger: { type: 'input_tokens', value: 100000 }, keep: { type: 'tool_uses', value: 3 } }] },
    stream: true,
  };
}

/** Request headers Claude Code sends besides the key. */
export const CLAUDE_CODE_HEADERS: Record<string, string> = {
  'anthropic-version': '2023-06-01',
  'anthropic-beta': CLAUDE_CODE_BETAS,
  'anthropic-dangerous-direct-browser-access': 'true',
  'x-app': 'cli',
  'user-agent': 'claude-cli/2.0.14 (external, cli)',
  'content-type': 'application/json',
  accept: 'application/json',
};
