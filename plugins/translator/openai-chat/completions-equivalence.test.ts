import { describeEncoderEquivalence } from '../../../tests/helpers/encoder-equivalence.ts';
import { CompletionsChunkEncoder, encodeCompletionsStream } from './openai-completions-translator.ts';

for (const streamUsage of [true, false]) {
  describeEncoderEquivalence(`OpenAI Completions (usage ${streamUsage ? 'asked' : 'not asked'})`, {
    chain: (parts) => encodeCompletionsStream(parts, new CompletionsChunkEncoder('m', 'cmpl-x', streamUsage)),
    encoder: () => new CompletionsChunkEncoder('m', 'cmpl-x', streamUsage),
    normalize: (text) => text.replace(/"created":\d+/g, '"created":0'),
  });
}
