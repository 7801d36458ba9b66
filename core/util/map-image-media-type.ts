import { sniffMediaType } from './sniff-media-type.ts';

/**
 * The media type of an inline image as the upstreams need it: the format its bytes are in when
 * they start like a PNG, JPEG, GIF or WebP file, else the client's label in lower case, with
 * `image/jpg` (a type named after the file extension) read as `image/jpeg`.
 *
 * OpenAI reads the bytes and never checks the label of an `image_url` data URL, so OpenAI Chat
 * clients often write it from a file name or guess it for a pasted screenshot; Claude Code labels
 * an MCP tool's screenshot or a file with the wrong extension the same way. Anthropic refuses a
 * label that does not match the bytes ("Image does not match the provided media type
 * image/png"), and Anthropic and Gemini both refuse `image/jpg`. Pure; reads only the first
 * 24 base64 characters.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/vision
 * @see https://ai.google.dev/gemini-api/docs/image-understanding#supported-formats
 */
export function mapImageMediaType(declared: string, base64: string): string {
  const label = declared.toLowerCase();
  const sniffed = sniffMediaType(Buffer.from(base64.slice(0, 24), 'base64'));
  if (sniffed?.startsWith('image/')) return sniffed;
  return label === 'image/jpg' ? 'image/jpeg' : label;
}
