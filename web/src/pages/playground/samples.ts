import type { Dialect } from '../../api/types.ts';

/** A small request per client dialect, to start from. */
export function sampleBody(dialect: Dialect, model: string): unknown {
  switch (dialect) {
    case 'openai-chat':
      return { model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello in Portuguese.' }], max_tokens: 64 };
    case 'anthropic-messages':
      return { model, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello in Portuguese.' }] };
    case 'openai-responses':
      return { model, instructions: 'Be brief.', input: 'Say hello in Portuguese.', max_output_tokens: 64 };
    case 'gemini':
      return { systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: [{ role: 'user', parts: [{ text: 'Say hello in Portuguese.' }] }], generationConfig: { maxOutputTokens: 64 } };
  }
}

export const DIALECTS: Dialect[] = ['openai-chat', 'anthropic-messages', 'openai-responses', 'gemini'];
