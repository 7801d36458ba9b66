import type { Dialect } from '../types/hub.ts';
import type { ProviderAdapter } from './capability-types.ts';

/**
 * The dialect `adapter` speaks natively for `model` (the client dialect that takes its
 * passthrough lane), if any: `nativeDialectOf(model)` when the adapter's models differ, else
 * its one `nativeDialect`.
 */
export function nativeDialectFor(adapter: Pick<ProviderAdapter, 'nativeDialect' | 'nativeDialectOf'> | undefined, model: string): Dialect | undefined {
  return adapter?.nativeDialectOf ? adapter.nativeDialectOf(model) : adapter?.nativeDialect;
}
