/**
 * A loopback file server for tests of images and documents given by URL: fixed bytes per path,
 * each request's path recorded, 404 for anything else.
 */

/** A PNG signature and the start of its IHDR chunk: enough for type sniffing. */
export const PNG: Uint8Array<ArrayBuffer> = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
/** A JPEG SOI and JFIF APP0 start. */
export const JPEG: Uint8Array<ArrayBuffer> = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);
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
