import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayError } from '../errors/gateway-error.ts';
import { encodeOpenAIError } from '../errors/openai-error.ts';
import type { CallContext, HttpInput } from '../plugin/types.ts';
import type { MultipartBody } from './multipart.ts';

/**
 * Where this plugin instance spools multipart uploads, and which request owns which files.
 * The files live until the request's answer is encoded (result or error), so a fallback
 * attempt can send them again; `dispose` removes whatever is left.
 */
export interface UploadSpool {
  /** Reads the request's multipart body into the spool (size- and time-capped; see `readMultipart`). */
  read(input: HttpInput, limitBytes: number): Promise<MultipartBody>;
  /** Deletes the files of a finished request. Never throws. */
  release(request: Request | undefined): void;
  dispose(): void;
}

/** Spool folders older than this were left by a process that died; they are removed at start. */
const STALE_MS = 24 * 60 * 60 * 1000;

/** Time limits on reading an upload (see `MultipartOptions`); read per request, so reloads apply. */
export interface UploadTimeouts {
  /** No byte for this long → 408 (ms; 0: none). */
  idleMs(): number;
  /** The whole body not received within this long → 408 (ms; 0: none). */
  deadlineMs(): number;
}

/**
 * A spool in a fresh folder under `root` (created if missing). Folders of this prefix older
 * than a day (left by a killed process) are removed; younger ones may belong to an instance
 * still finishing its requests after a reload, so they are left alone.
 */
export function createUploadSpool(root: string, prefix: string, timeouts?: UploadTimeouts): UploadSpool {
  mkdirSync(root, { recursive: true });
  for (const name of readdirSync(root)) {
    if (!name.startsWith(`${prefix}-`)) continue;
    try {
      if (Date.now() - statSync(join(root, name)).mtimeMs > STALE_MS) rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // Another instance removed it first.
    }
  }
  const dir = mkdtempSync(join(root, `${prefix}-`));
  const live = new Map<Request, MultipartBody>();
  return {
    async read(input, limitBytes) {
      // Recreated if another process sharing the data dir swept it as stale.
      mkdirSync(dir, { recursive: true });
      // The parser is imported on the first upload, not at start-up.
      const { readMultipart } = await import('./multipart.ts');
      const body = await readMultipart(input.request, { limitBytes, dir, idleMs: timeouts?.idleMs(), deadlineMs: timeouts?.deadlineMs() });
      live.set(input.request, body);
      return body;
    },
    release(request) {
      const body = request && live.get(request);
      if (!body) return;
      live.delete(request);
      void body.dispose();
    },
    dispose() {
      live.clear();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The OpenAI error answer of an upload endpoint: the request's spooled files (if any) are released first. */
export function openAIErrorReleasing(spool: UploadSpool): (err: GatewayError, call?: Partial<CallContext>) => Response {
  return (err, call) => {
    spool.release(call?.http?.request);
    return encodeOpenAIError(err);
  };
}
