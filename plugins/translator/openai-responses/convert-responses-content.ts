import type { FilePart, ImagePart, TextPart } from '../../../core/types/hub.ts';
import { badRequest } from './check-schema.ts';
import type { FunctionCallOutputItem, MessageContentPart } from './responses-request-schema.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

type ToolOutputPart = Exclude<FunctionCallOutputItem['output'], string>[number];

/**
 * Converts one content part of a Responses message into a hub part. Uploaded files
 * (`file_id`) are refused: the gateway keeps no files and no upstream but OpenAI could read them.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
export function convertContentPart(part: MessageContentPart | ToolOutputPart, param: string): TextPart | ImagePart | FilePart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: part.text };
    case 'refusal':
      return { type: 'text', text: part.refusal };
    case 'input_image':
      return convertImage(part, param);
    case 'input_file':
      return convertFile(part, param);
  }
}

function convertImage(part: Extract<MessageContentPart, { type: 'input_image' }>, param: string): ImagePart {
  if (typeof part.image_url === 'string' && part.image_url.length > 0) {
    const image: ImagePart = { type: 'image', url: part.image_url };
    if (part.detail) image.detail = part.detail;
    return image;
  }
  if (part.file_id) {
    throw badRequest(
      `${param}.file_id refers to an uploaded file; this gateway keeps no files. Send image_url (an https or data: URL) instead.`,
      `${param}.file_id`,
    );
  }
  throw badRequest(`${param}: input_image needs image_url.`, `${param}.image_url`);
}

function convertFile(part: Extract<MessageContentPart, { type: 'input_file' }>, param: string): FilePart {
  const filename = part.filename ?? undefined;
  if (typeof part.file_data === 'string' && part.file_data.length > 0) {
    const parsed = parseDataUrl(part.file_data);
    const file: FilePart = parsed
      ? { type: 'file', data: parsed.data, mediaType: parsed.mediaType }
      : { type: 'file', data: part.file_data, mediaType: guessMediaType(filename) };
    if (filename) file.filename = filename;
    return file;
  }
  if (typeof part.file_url === 'string' && part.file_url.length > 0) {
    const file: FilePart = { type: 'file', url: part.file_url, mediaType: guessMediaType(filename ?? part.file_url) };
    if (filename) file.filename = filename;
    return file;
  }
  if (part.file_id) {
    throw badRequest(
      `${param}.file_id refers to an uploaded file; this gateway keeps no files. Send file_data (base64) or file_url instead.`,
      `${param}.file_id`,
    );
  }
  throw badRequest(`${param}: input_file needs file_data or file_url.`, `${param}.file_data`);
}

/** Splits `data:<type>;base64,<data>`; undefined for anything else. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  return { mediaType: meta.slice(0, -7) || 'application/octet-stream', data: url.slice(comma + 1) };
}

const MEDIA_TYPES: Readonly<Record<string, string>> = lookupTable({
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
});

function guessMediaType(name: string | undefined): string {
  const ext = name?.split(/[?#]/)[0].split('.').pop()?.toLowerCase();
  return (ext && MEDIA_TYPES[ext]) || 'application/octet-stream';
}
