import { describeEncoderEquivalence } from '../../../tests/helpers/encoder-equivalence.ts';
import { createOpenAIChatChunkEncoder, encodeOpenAIChatStream } from './encode-openai-chat-stream.ts';

const OPTS = { id: 'chatcmpl-x', model: 'm', streamUsage: true, created: 1 };

describeEncoderEquivalence('OpenAI chat', {
  chain: (parts) => encodeOpenAIChatStream(parts, OPTS),
  encoder: () => createOpenAIChatChunkEncoder(OPTS),
});
