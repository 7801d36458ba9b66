import { api } from '../api/api-client.ts';
import type { PluginView } from '../api/types.ts';

/**
 * The admin routes the running plugins serve now (`/api/quota`, `/api/metrics/summary`…), from
 * their `provides` in `GET /api/plugins`. A page asks a plugin's route only when it is listed
 * here: without the plugin the route answers 404, an error in the browser's console on every
 * refresh.
 */
export async function pluginRoutes(): Promise<Set<string>> {
  const { plugins } = await api<{ plugins: PluginView[] }>('/api/plugins');
  return new Set(plugins.filter((p) => p.state === 'active').flatMap((p) => p.provides.filter((x) => x.startsWith('api:')).map((x) => x.slice(4))));
}
