/** The formats OpenAI's APIs take (Bun.Image's names); Gemini takes HEIC too. */
const OPENAI_FORMATS = ['png', 'jpeg', 'gif', 'webp'];

/**
 * The vision APIs decode every inline image they are sent, and refuse the whole request when one
 * does not decode or is in a format they do not take. The mocks do the same, with Bun.Image:
 * true when an inline image of a request body is such, in any wire format (a
 * `data:image/…;base64,` URL as OpenAI's Chat and Responses APIs take them, an `inlineData` image
 * part as Gemini's).
 */
export async function undecodableImage(body: unknown, formats: readonly string[] = OPENAI_FORMATS): Promise<boolean> {
  const images: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = /^data:image\/[^;,]*(?:;[^,]*)?;base64,/.exec(v);
      if (m) images.push(v.slice(m[0].length));
      return;
    }
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const inline = o.inlineData as { mimeType?: unknown; data?: unknown } | undefined;
    if (typeof inline?.mimeType === 'string' && inline.mimeType.startsWith('image/') && typeof inline.data === 'string') images.push(inline.data);
    for (const x of Object.values(o)) walk(x);
  };
  walk(body);
  for (const data of images) {
    const bytes = Buffer.from(data, 'base64');
    const format = await new Bun.Image(bytes).metadata().then((m) => m.format as string, () => undefined);
    if (format === undefined || !formats.includes(format)) return true;
    if (!(await new Bun.Image(bytes).resize(8, 8).png().bytes().then(() => true, () => false))) return true;
  }
  return false;
}
