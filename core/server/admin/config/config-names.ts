import * as v from 'valibot';
import { isReservedKey } from '../../../config/load-config.ts';

/**
 * Valibot check: not a key the config loader refuses (`__proto__`, `constructor`, `prototype`):
 * a provider, combo or alias by such a name is refused before anything is written.
 */
export const servableName = v.check<string, string>((s) => !isReservedKey(s), 'it cannot be "__proto__", "constructor" or "prototype" (the config cannot hold such a key)');
