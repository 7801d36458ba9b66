import { lazyAdapter } from '../../../core/plugin/lazy-adapter.ts';
import type { Plugin } from '../../../core/plugin/types.ts';

/**
 * `type: deepgram`: Deepgram's speech-to-text (`/v1/listen`, Nova models) behind
 * `/v1/audio/transcriptions`, and Aura text-to-speech (`/v1/speak`) behind `/v1/audio/speech`.
 * Loaded by default; its code is imported on the first call.
 */
export default {
  name: 'deepgram',
  kind: 'provider',
  apiVersion: 1,
  autoload: true,
  description: 'Deepgram speech to text (Nova) and text to speech (Aura) for the OpenAI audio endpoints.',
  setup(ctx) {
    ctx.provide('provider', lazyAdapter(
      { id: 'deepgram', chat: false, operations: ['transcribe', 'speech'], listModels: true },
      async () => (await import('./deepgram-adapter.ts')).createDeepgramAdapter(),
    ));
  },
} satisfies Plugin;
