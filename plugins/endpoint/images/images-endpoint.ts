import type { GatewayRequest, HttpInput, Translator } from '../../../core/plugin/types.ts';
import { imagesRoutes, type ImagesConfig } from './plugin.ts';
import type { ImageRequest, ImageResult } from '../../../core/types/operations.ts';
import { decodeImageEdit, decodeImageGeneration } from './decode-image-requests.ts';
import { encodeImagesResult } from './encode-images-result.ts';
import { openAIErrorReleasing, type UploadSpool } from '../../../core/util/upload-spool.ts';

/**
 * The OpenAI images endpoints: generations (JSON) and edits (multipart, spooled to disk as it
 * arrives so fallback can re-send the images), both as the `image` operation.
 */
export function createImagesEndpoint(spool: UploadSpool, config: ImagesConfig): Translator {
  return {
    dialect: 'openai-images',
    routes: imagesRoutes(config),
    async decode(input: HttpInput): Promise<GatewayRequest> {
      if (input.url.pathname.endsWith('/generations')) return decodeImageGeneration(input.body);
      const form = await spool.read(input, config.max_upload_mb * 1024 * 1024);
      try {
        return decodeImageEdit(form);
      } catch (e) {
        spool.release(input.request);
        throw e;
      }
    },
    encodeResult(result, req, call) {
      spool.release(call.http.request);
      return Response.json(encodeImagesResult(result as ImageResult, req.body as ImageRequest));
    },
    encodeStream() {
      throw new Error('images are never streamed');
    },
    encodeError: openAIErrorReleasing(spool),
  };
}
