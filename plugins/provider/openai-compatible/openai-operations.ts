import type { ProviderAdapter } from '../../../core/plugin/types.ts';
import { openAISpeech, openAITranscribe } from './openai-audio.ts';
import { openAIEmbed } from './openai-embed.ts';
import { openAIImage } from './openai-images.ts';
import { openAIModerate } from './openai-moderate.ts';
import { openAIRerank } from './openai-rerank.ts';

/**
 * The non-chat operations every OpenAI-compatible upstream may serve. An upstream without one
 * answers 404, which the pipeline treats like any failed attempt (the next target is tried).
 */
export function createOpenAIOperations(): NonNullable<ProviderAdapter['operations']> {
  return {
    embed: openAIEmbed,
    image: openAIImage,
    transcribe: openAITranscribe,
    speech: openAISpeech,
    moderate: openAIModerate,
    rerank: openAIRerank,
  };
}
