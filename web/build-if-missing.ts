/**
 * Builds the dashboard (`vite build web` → web/dist) when web/dist is missing or older than a
 * source file, so `bun run start` on a fresh clone serves the dashboard. A failed build (for
 * example without dev dependencies) is reported and does not stop the gateway from starting:
 * the API works without the dashboard.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const WEB = import.meta.dir;
const ROOT = resolve(WEB, '..');
const INDEX = join(WEB, 'dist/index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when web/dist/index.html is missing or older than web/src, index.html or the Vite config. */
export function dashboardBuildNeeded(): boolean {
  if (!existsSync(INDEX)) return true;
  const sources = Math.max(newestMtime(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs, statSync(join(WEB, 'vite.config.ts')).mtimeMs);
  return statSync(INDEX).mtimeMs < sources;
}

/** Runs `vite build web`. Resolves to the exit code, the output and the time it took. */
export async function buildDashboard(): Promise<{ code: number; output: string; ms: number }> {
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, 'run', 'build'], { cwd: ROOT, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: out + err, ms: Math.round(performance.now() - started) };
}

if (import.meta.main && dashboardBuildNeeded()) {
  console.log('Building the dashboard (web/dist)…');
  const r = await buildDashboard();
  if (r.code === 0 && existsSync(INDEX)) console.log(`Dashboard built in ${(r.ms / 1000).toFixed(1)} s.`);
  else console.warn(`warning: the dashboard build failed (exit ${r.code}); the gateway starts without it. Run \`bun run build\` to see why.`);
}
