import * as v from 'valibot';
import { join } from 'node:path';
import { lazyTranslator, type ShellRoute } from '../../../core/plugin/lazy-translator.ts';
import type { Plugin } from '../../../core/plugin/types.ts';
import { createUploadSpool, openAIErrorReleasing } from '../../../core/util/upload-spool.ts';

const ConfigSchema = v.object({
  /** Largest audio upload in MB; a declared larger body is refused with 413 before it is read. */
  max_upload_mb: v.optional(v.pipe(v.number(), v.minValue(0.001)), 50),
  /** Where uploads are spooled while a request runs (default `<data-dir>/uploads`). */
  spool_dir: v.optional(v.string()),
  /**
   * An upload that sends nothing for this long is refused with 408 (ms; 0: no limit). The whole
   * upload must also arrive within `request.deadline_ms`.
   */
  upload_idle_ms: v.optional(v.pipe(v.number(), v.minValue(0)), 30_000),
});
export type AudioConfig = v.InferOutput<typeof ConfigSchema>;

/** The routes; the upload limit of transcriptions and translations comes from the config. */
export function audioRoutes(config: AudioConfig): ShellRoute[] {
  const upload = { body: 'stream' as const, bodyLimitMb: config.max_upload_mb };
  return [
    { method: 'POST', path: '/v1/audio/transcriptions', summary: 'Transcribe audio (OpenAI format, multipart)', ...upload },
    { method: 'POST', path: '/v1/audio/translations', summary: 'Translate audio to English (OpenAI format, multipart)', ...upload },
    { method: 'POST', path: '/v1/audio/speech', summary: 'Text to speech (streams the audio)' },
  ];
}

/** `/v1/audio/*`. Loaded by default; its code is imported on the first request. */
export default {
  name: 'audio',
  kind: 'endpoint',
  apiVersion: 1,
  autoload: true,
  description: 'OpenAI audio endpoints: POST /v1/audio/transcriptions, /v1/audio/translations (multipart, streamed to disk), /v1/audio/speech (streamed audio).',
  config: ConfigSchema,
  setup(ctx) {
    const spool = createUploadSpool(ctx.config.spool_dir ?? join(ctx.host.dataDir, 'uploads'), 'audio', {
      idleMs: () => ctx.config.upload_idle_ms,
      deadlineMs: () => ctx.host.config().request.deadline_ms,
    });
    ctx.onDispose(() => spool.dispose());
    ctx.provide('endpoint', lazyTranslator(
      { dialect: 'openai-audio', routes: audioRoutes(ctx.config), encodeError: openAIErrorReleasing(spool) },
      async () => (await import('./audio-endpoint.ts')).createAudioEndpoint(spool, ctx.config),
    ));
  },
} satisfies Plugin<AudioConfig>;
