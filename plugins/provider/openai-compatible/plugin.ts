import type { Plugin } from '../../../core/plugin/types.ts';
import { createOpenAICompatibleAdapter } from './create-openai-compatible-adapter.ts';

/**
 * Provider adapters for OpenAI and every OpenAI-compatible upstream (Groq, DeepSeek, Ollama,
 * vLLM, OpenRouter …): `type: openai` and `type: openai-compatible` in the config. Loaded by
 * default; quirks come from the preset catalogue and the provider entry.
 */
export default {
  name: 'openai-compatible',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI Chat Completions wire format (OpenAI and compatible servers).',
  setup(ctx) {
    ctx.provide('provider', createOpenAICompatibleAdapter('openai'));
    ctx.provide('provider', createOpenAICompatibleAdapter('openai-compatible'));
  },
} satisfies Plugin;
