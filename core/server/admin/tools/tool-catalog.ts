import { join } from 'node:path';
import { mergeDotenv, mergeJson, mergeToml, mergeYamlListItem } from './edit-config-files.ts';

/** Where a tool reaches the gateway, with which key and model. */
export interface ToolTarget {
  /** Gateway root, e.g. `http://127.0.0.1:20128` (no `/v1`). */
  baseUrl: string;
  key: string;
  model: string;
}

/** One client tool: how to point it at the gateway, and (when it keeps a file) how to write it. */
export interface ToolSpec {
  id: string;
  name: string;
  dialect: string;
  /** The file it keeps its settings in, relative to the home folder; null when settings live in its UI. */
  file: string | null;
  env(t: ToolTarget): Record<string, string>;
  snippet(t: ToolTarget): string;
  notes: string[];
  /** The new content of `file` (merged into the existing one). */
  render?(path: string, t: ToolTarget): string;
}

const CONTINUE_BASE = { name: 'Local config', version: '1.0.0', schema: 'v1' };

/**
 * Claude Code's settings: the gateway, the key, and the model for its main and its background
 * (Haiku-class) work; `ANTHROPIC_SMALL_FAST_MODEL` is the older name of the latter.
 *
 * @see https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables
 */
function claudeCodeEnv(t: ToolTarget): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: t.baseUrl, ANTHROPIC_AUTH_TOKEN: t.key, ANTHROPIC_MODEL: t.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: t.model, ANTHROPIC_SMALL_FAST_MODEL: t.model,
  };
}

/**
 * The CLI tools the dashboard configures. Each points at the gateway in the dialect it speaks
 * natively, so requests take the passthrough lane when the provider speaks it too.
 */
export const TOOLS: ToolSpec[] = [
  {
    id: 'claude-code', name: 'Claude Code', dialect: 'anthropic-messages', file: '.claude/settings.json',
    env: claudeCodeEnv,
    snippet: (t) => JSON.stringify({ env: claudeCodeEnv(t) }, null, 2),
    notes: [
      'Claude Code reads the env block of ~/.claude/settings.json at start; restart it after applying.',
      'Its background tasks (titles, summaries) use the small model: set to the same model here; a glob alias such as "claude-*haiku*" routes it otherwise.',
    ],
    render: (path, t) => mergeJson(path, { env: claudeCodeEnv(t) }),
  },
  {
    id: 'codex', name: 'Codex CLI', dialect: 'openai-responses', file: '.codex/config.toml',
    env: () => ({}),
    snippet: (t) => `model = ${JSON.stringify(t.model)}\nmodel_provider = "switchyard"\n\n[model_providers.switchyard]\n${codexTable(t).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join('\n')}\n`,
    notes: ['Codex speaks the Responses API (wire_api = "responses"); the key is written as the provider\'s bearer token.'],
    render: (path, t) => mergeToml(path, { model: t.model, model_provider: 'switchyard' }, 'model_providers.switchyard', Object.fromEntries(codexTable(t))),
  },
  {
    id: 'gemini-cli', name: 'Gemini CLI', dialect: 'gemini', file: '.gemini/.env',
    env: (t) => ({ GEMINI_API_KEY: t.key, GOOGLE_GEMINI_BASE_URL: t.baseUrl, GEMINI_MODEL: t.model }),
    snippet: (t) => `GEMINI_API_KEY=${t.key}\nGOOGLE_GEMINI_BASE_URL=${t.baseUrl}\nGEMINI_MODEL=${t.model}\n`,
    notes: ['Gemini CLI loads ~/.gemini/.env; choose "Use Gemini API key" as the auth method.'],
    render: (path, t) => mergeDotenv(path, { GEMINI_API_KEY: t.key, GOOGLE_GEMINI_BASE_URL: t.baseUrl, GEMINI_MODEL: t.model }),
  },
  {
    id: 'cline', name: 'Cline', dialect: 'openai-chat', file: null,
    env: () => ({}),
    snippet: (t) => `API Provider: OpenAI Compatible\nBase URL: ${t.baseUrl}/v1\nAPI Key: ${t.key}\nModel ID: ${t.model}\n`,
    notes: ['Cline keeps its settings in VS Code: open Cline → Settings and enter the values above.'],
  },
  {
    id: 'opencode', name: 'OpenCode', dialect: 'openai-chat', file: '.config/opencode/opencode.json',
    env: () => ({}),
    snippet: (t) => JSON.stringify(openCodeConfig(t), null, 2),
    notes: ['The model is selected as switchyard/<model>.'],
    render: (path, t) => mergeJson(path, openCodeConfig(t)),
  },
  {
    id: 'cursor', name: 'Cursor', dialect: 'openai-chat', file: null,
    env: () => ({}),
    snippet: (t) => `OpenAI API Key: ${t.key}\nOverride OpenAI Base URL: ${t.baseUrl}/v1\nModel: ${t.model}\n`,
    notes: [
      'Cursor → Settings → Models: set the OpenAI API key and override the base URL, then add the model name.',
      'Cursor calls the model from its own servers: the gateway must be reachable from the internet (a tunnel), not only on localhost.',
    ],
  },
  {
    id: 'continue', name: 'Continue', dialect: 'openai-chat', file: '.continue/config.yaml',
    env: () => ({}),
    snippet: (t) => `models:\n  - name: Switchyard\n    provider: openai\n    model: ${t.model}\n    apiBase: ${t.baseUrl}/v1\n    apiKey: ${t.key}\n    roles: [chat, edit, apply]\n`,
    notes: ['Continue reloads config.yaml by itself.'],
    render: (path, t) => mergeYamlListItem(path, CONTINUE_BASE, 'models', {
      name: 'Switchyard', provider: 'openai', model: t.model, apiBase: `${t.baseUrl}/v1`, apiKey: t.key, roles: ['chat', 'edit', 'apply'],
    }),
  },
];

function codexTable(t: ToolTarget): Array<[string, string]> {
  return [['name', 'Switchyard'], ['base_url', `${t.baseUrl}/v1`], ['wire_api', 'responses'], ['experimental_bearer_token', t.key]];
}

function openCodeConfig(t: ToolTarget): Record<string, unknown> {
  return {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      switchyard: {
        npm: '@ai-sdk/openai-compatible', name: 'Switchyard',
        options: { baseURL: `${t.baseUrl}/v1`, apiKey: t.key },
        models: { [t.model]: { name: t.model } },
      },
    },
    model: `switchyard/${t.model}`,
  };
}

/** The absolute path of a tool's file under `home`. */
export function toolFile(spec: ToolSpec, home: string): string | null {
  return spec.file ? join(home, spec.file) : null;
}
