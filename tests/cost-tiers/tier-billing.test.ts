/**
 * A request served at a service tier costs that tier's price (the bundled catalogue's gpt-5:
 * flex half the standard price, priority twice), on Chat Completions and Responses, streamed
 * and not, on the passthrough and the translated lane. The tier billed is the one the upstream
 * says served the request (`service_tier` of the reply), the one asked for only when the reply
 * names none; a tier without a price costs the standard price.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { askWithTier, type Api } from './ask-with-tier.ts';
import { costAt, LANES, startTierKit, type PricedTier, type TierKit } from './tier-kit.ts';

let kit: TierKit;

beforeAll(async () => {
  kit = await startTierKit();
});
afterAll(async () => {
  await kit?.stop();
});

const APIS: Api[] = ['chat', 'responses'];
const MODES = [false, true];
const mode = (stream: boolean) => (stream ? 'stream' : 'non-stream');

for (const api of APIS) {
  describe(`${api}: the tier served is billed at its price`, () => {
    for (const lane of LANES) {
      for (const stream of MODES) {
        for (const tier of ['flex', 'priority'] as PricedTier[]) {
          test(`${lane}, ${mode(stream)}: ${tier}`, async () => {
            const r = await askWithTier(kit, api, lane, tier, stream);
            expect(r.text).toBe('Hello there');
            expect(r.sent).toBe(tier);
            const billed = await kit.billed(lane, r.requestId);
            expect(billed.servedTier).toBe(tier);
            expect(billed.costUsd).toBeCloseTo(costAt(tier), 12);
          });
        }
      }
    }
  });

  describe(`${api}: the reply's tier decides, not the request's`, () => {
    for (const lane of LANES) {
      test(`${lane}: priority asked, default served → the standard price`, async () => {
        for (const stream of MODES) {
          kit.answerNext('default');
          const r = await askWithTier(kit, api, lane, 'priority', stream);
          expect(r.sent).toBe('priority');
          const billed = await kit.billed(lane, r.requestId);
          expect([mode(stream), billed.servedTier]).toEqual([mode(stream), 'default']);
          expect(billed.costUsd).toBeCloseTo(costAt('standard'), 12);
        }
      });

      test(`${lane}: a tier without a price (scale served, turbo asked) → the standard price`, async () => {
        for (const stream of MODES) {
          kit.answerNext('scale');
          const served = await askWithTier(kit, api, lane, 'priority', stream);
          const billed = await kit.billed(lane, served.requestId);
          expect([mode(stream), billed.servedTier]).toEqual([mode(stream), 'scale']);
          expect(billed.costUsd).toBeCloseTo(costAt('standard'), 12);

          kit.answerNext(null);
          const asked = await askWithTier(kit, api, lane, 'turbo', stream);
          expect(asked.sent).toBe('turbo');
          expect((await kit.billed(lane, asked.requestId)).costUsd).toBeCloseTo(costAt('standard'), 12);
        }
      });

      test(`${lane}: a reply that names no tier → the tier asked for`, async () => {
        for (const stream of MODES) {
          kit.answerNext(null);
          const flex = await askWithTier(kit, api, lane, 'flex', stream);
          const billed = await kit.billed(lane, flex.requestId);
          expect([mode(stream), billed.servedTier]).toEqual([mode(stream), undefined]);
          expect(billed.costUsd).toBeCloseTo(costAt('flex'), 12);

          kit.answerNext(null);
          const none = await askWithTier(kit, api, lane, undefined, stream);
          expect(none.sent).toBeUndefined();
          expect((await kit.billed(lane, none.requestId)).costUsd).toBeCloseTo(costAt('standard'), 12);
        }
      });
    }
  });
}
