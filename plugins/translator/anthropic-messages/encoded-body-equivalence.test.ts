import { describeEncoderEquivalence } from '../../../tests/helpers/encoder-equivalence.ts';
import { AnthropicStreamEncoder } from './anthropic-stream-encoder.ts';
import { encodeAnthropicMessagesStream } from './encode-anthropic-messages-stream.ts';

const FALLBACK = { id: 'req_x', model: 'claude-x' };

describeEncoderEquivalence('Anthropic Messages', {
  chain: (parts) => encodeAnthropicMessagesStream(parts, FALLBACK),
  encoder: () => new AnthropicStreamEncoder(FALLBACK),
});
