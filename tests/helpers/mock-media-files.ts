/**
 * A loopback file server for tests of images and documents given by URL: fixed bytes per path,
 * each request's path recorded, 404 for anything else.
 */

const bytesOf = (b64: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(b64, 'base64'));
/** A real 1×1 PNG (the APIs decode images, and so do the gateway and the mocks). */
export const PNG = bytesOf('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==');
/** A real 1×1 JPEG. */
export const JPEG = bytesOf('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z');
export const PDF: Uint8Array<ArrayBuffer> = new TextEncoder().encode('%PDF-1.4 mock document') as Uint8Array<ArrayBuffer>;

export const base64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

export interface MediaFiles {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Paths asked for, in order. */
  hits: string[];
  stop(): void;
}

/** Serves `files` (path → bytes and Content-Type) on 127.0.0.1. */
export function startMediaFiles(files: Record<string, { bytes: Uint8Array<ArrayBuffer>; type: string }>): MediaFiles {
  const hits: string[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      hits.push(path);
      const file = files[path];
      return file ? new Response(file.bytes, { headers: { 'content-type': file.type } }) : new Response('not found', { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, hits, stop: () => void server.stop(true) };
}
