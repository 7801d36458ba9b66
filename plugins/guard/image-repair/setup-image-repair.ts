import type { PluginContext } from '../../../core/plugin/types.ts';
import type { ChatRequest } from '../../../core/types/hub.ts';
import type { ImageRepairConfig } from './plugin.ts';
import { createImageRepair, isImageRefusal } from './repair-images.ts';

/**
 * Setup of the image-repair plugin: one wrapCall layer. Images known not to decode are left out
 * before the call; the others are decoded only after a refusal of an image.
 */
export function setupImageRepair(ctx: PluginContext<ImageRepairConfig>): void {
  const repair = createImageRepair();
  ctx.hook('wrapCall', (next, attempt, call, req) => {
    if (req.operation !== 'chat') return next();
    const body = req.body as ChatRequest;
    // A new body without the client's raw one: it goes out through translation.
    const known = repair.withoutKnown(body);
    const sent = known ?? body;
    const first = known ? next({ ...req, body: known, raw: undefined }) : next();
    return first.catch(async (e: unknown) => {
      if (!isImageRefusal(e) || call.signal.aborted) throw e;
      const fixed = await repair.fix(sent);
      if (!fixed) throw e;
      const what = { id: call.id, provider: attempt.provider.name, model: attempt.target.model, left: fixed.left, reencoded: fixed.reencoded };
      ctx.log.warn('images the upstream could not read were set right; sent again', what);
      ctx.emit('image-repair:repaired', what);
      return next({ ...req, body: fixed.body, raw: undefined });
    });
  });
}
