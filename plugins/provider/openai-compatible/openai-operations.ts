import type { ProviderAdapter } from '../../../core/plugin/types.ts';

type Operations = Required<Pick<NonNullable<ProviderAdapter['operations']>, 'embed' | 'image' | 'transcribe' | 'speech' | 'moderate' | 'rerank'>>;

/** The operations' code, imported on the first non-chat request (a chat-only gateway never loads it). */
let loaded: Promise<Operations> | undefined;
const load = (): Promise<Operations> => (loaded ??= Promise.all([
  import('./openai-audio.ts'), import('./openai-embed.ts'), import('./openai-images.ts'),
  import('./openai-moderate.ts'), import('./openai-rerank.ts'),
]).then(([audio, embed, images, moderate, rerank]) => ({
  embed: embed.openAIEmbed,
  image: images.openAIImage,
  transcribe: audio.openAITranscribe,
  speech: audio.openAISpeech,
  moderate: moderate.openAIModerate,
  rerank: rerank.openAIRerank,
})));

/**
 * The non-chat operations every OpenAI-compatible upstream may serve. An upstream without one
 * answers 404, which the pipeline treats like any failed attempt (the next target is tried).
 */
export function createOpenAIOperations(): Operations {
  return {
    embed: async (req, attempt, call) => (await load()).embed(req, attempt, call),
    image: async (req, attempt, call) => (await load()).image(req, attempt, call),
    transcribe: async (req, attempt, call) => (await load()).transcribe(req, attempt, call),
    speech: async (req, attempt, call) => (await load()).speech(req, attempt, call),
    moderate: async (req, attempt, call) => (await load()).moderate(req, attempt, call),
    rerank: async (req, attempt, call) => (await load()).rerank(req, attempt, call),
  };
}
