/**
 * Requests shaped like Gemini CLI's traffic: a `generateContent` utility call (JSON mode with
 * `responseJsonSchema`, thinking off, as its next-speaker check does), then the chat turn on
 * `streamGenerateContent?alt=sse` with its tools (`parametersJsonSchema`) and
 * `thinkingConfig { includeThoughts, thinkingBudget: -1 }`.
 */

type Json = Record<string, unknown>;

const decl = (name: string, description: string, properties: Json, required: string[]): Json => ({
  name, description, parametersJsonSchema: { type: 'object', properties, required },
});

export const GEMINI_CLI_TOOLS: Json[] = [{
  functionDeclarations: [
    decl('list_directory', 'Lists the names of files and subdirectories directly within a specified directory path.', {
      path: { type: 'string', description: 'The absolute path to the directory to list' },
      ignore: { type: 'array', items: { type: 'string' }, description: 'List of glob patterns to ignore' },
      file_filtering_options: { type: 'object', properties: { respect_git_ignore: { type: 'boolean' }, respect_gemini_ignore: { type: 'boolean' } } },
    }, ['path']),
    decl('read_file', 'Reads and returns the content of a specified file.', {
      absolute_path: { type: 'string' }, offset: { type: 'number' }, limit: { type: 'number' },
    }, ['absolute_path']),
    decl('search_file_content', 'Searches for a regular expression pattern within the content of files.', {
      pattern: { type: 'string' }, path: { type: 'string' }, include: { type: 'string' },
    }, ['pattern']),
    decl('glob', 'Efficiently finds files matching specific glob patterns.', {
      pattern: { type: 'string' }, path: { type: 'string' }, case_sensitive: { type: 'boolean' },
    }, ['pattern']),
    decl('replace', 'Replaces text within a file.', {
      file_path: { type: 'string' }, old_string: { type: 'string' }, new_string: { type: 'string' }, expected_replacements: { type: 'number', minimum: 1 },
    }, ['file_path', 'old_string', 'new_string']),
    decl('write_file', 'Writes content to a specified file in the local filesystem.', { file_path: { type: 'string' }, content: { type: 'string' } }, ['file_path', 'content']),
    decl('web_fetch', 'Processes content from URL(s) embedded in a prompt.', { prompt: { type: 'string' } }, ['prompt']),
    decl('run_shell_command', 'Executes a given shell command as `bash -c <command>`.', {
      command: { type: 'string' }, description: { type: 'string' }, directory: { type: 'string' },
    }, ['command']),
    decl('save_memory', 'Saves a specific piece of information or fact to your long-term memory.', { fact: { type: 'string' } }, ['fact']),
    decl('google_web_search', 'Performs a web search using Google Search (via the Gemini API).', { query: { type: 'string' } }, ['query']),
  ],
}];

const SYSTEM = { role: 'user', parts: [{ text: `You are an interactive CLI agent specializing in software engineering tasks. ${'Adhere to project conventions. '.repeat(30)}` }] };

const HISTORY = [
  { role: 'user', parts: [{ text: 'This is the Gemini CLI. We are setting up the context for our chat.\nToday\'s date is Monday.\nMy operating system is: linux' }] },
  { role: 'model', parts: [{ text: 'Got it. Thanks for the context!' }] },
  { role: 'user', parts: [{ text: 'Check the weather in Paris, then list the files.' }] },
];

/** The `generateContent` utility call (next-speaker check): JSON out, no thinking. */
export function geminiCliUtilityRequest(): Json {
  return {
    contents: [...HISTORY, { role: 'model', parts: [{ text: 'I will check.' }] }, { role: 'user', parts: [{ text: 'Analyze who should speak next.' }] }],
    generationConfig: {
      temperature: 0, topP: 1, responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } }, required: ['reasoning', 'next_speaker'] },
      thinkingConfig: { thinkingBudget: 0 },
    },
  };
}

/** The streamed chat turn, with tools and thinking. */
export function geminiCliChatRequest(): Json {
  return {
    contents: HISTORY,
    systemInstruction: SYSTEM,
    tools: GEMINI_CLI_TOOLS,
    generationConfig: { temperature: 0, topP: 1, thinkingConfig: { includeThoughts: true, thinkingBudget: -1 } },
  };
}

/** Headers Gemini CLI sends besides the key. */
export const GEMINI_CLI_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  'user-agent': 'GeminiCLI/0.9.0 (linux; x64) google-genai-sdk/1.16.0 gl-node/v22.11.0',
  'x-goog-api-client': 'google-genai-sdk/1.16.0 gl-node/v22.11.0',
};
