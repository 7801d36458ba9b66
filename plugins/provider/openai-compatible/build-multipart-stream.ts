import type { UploadedFile } from '../../../core/types/operations.ts';

export interface MultipartField {
  name: string;
  value: string;
}

export interface MultipartStream {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** Exact byte length, for Content-Length. */
  length: number;
}

const enc = new TextEncoder();

/** Quotes a name for Content-Disposition the way browsers do (`"` and line breaks escaped). */
function quote(s: string): string {
  return s.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/**
 * A `multipart/form-data` body built on the fly: text fields, then each file streamed from its
 * `stream()` (a fresh read per call, so a fallback attempt re-sends the whole file). Pull-based:
 * the upstream socket's pace sets how fast the file is read; memory holds one chunk.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7578
 */
export function buildMultipartStream(fields: MultipartField[], files: UploadedFile[]): MultipartStream {
  const boundary = `----switchyard${crypto.randomUUID().replaceAll('-', '')}`;
  const segments: Array<Uint8Array | UploadedFile> = [];
  for (const f of fields) {
    segments.push(enc.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(f.name)}"\r\n\r\n${f.value}\r\n`));
  }
  for (const file of files) {
    segments.push(enc.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; filename="${quote(file.filename)}"\r\n` +
      `Content-Type: ${file.mediaType.replace(/[\r\n]/g, '')}\r\n\r\n`,
    ));
    segments.push(file);
    segments.push(enc.encode('\r\n'));
  }
  segments.push(enc.encode(`--${boundary}--\r\n`));
  const length = segments.reduce((n, s) => n + (s instanceof Uint8Array ? s.length : s.size), 0);

  let i = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (reader) {
          const r = await reader.read();
          if (!r.done) return controller.enqueue(r.value);
          reader = undefined;
          continue;
        }
        const seg = segments[i++];
        if (seg === undefined) return controller.close();
        if (seg instanceof Uint8Array) return controller.enqueue(seg);
        reader = seg.stream().getReader();
      }
    },
    cancel(reason) {
      return reader?.cancel(reason);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length };
}
