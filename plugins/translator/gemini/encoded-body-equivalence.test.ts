import { describeEncoderEquivalence } from '../../../tests/helpers/encoder-equivalence.ts';
import { encodeGeminiStream, GeminiTextEncoder } from './encode-gemini-stream.ts';

for (const sse of [true, false]) {
  const opts = { sse, id: 'req_x', model: 'gemini-x' };
  describeEncoderEquivalence(`Gemini (${sse ? 'alt=sse' : 'JSON array'})`, {
    chain: (parts) => encodeGeminiStream(parts, opts),
    encoder: () => new GeminiTextEncoder(opts),
  });
}
