/** One section's settings by key (lower case); a sub-setting as `parent.child`. */
export type AwsIniSection = Readonly<Record<string, string>>;

/** A comment: `#` or `;` at the start of a line or after whitespace (`key = v # note`). */
const COMMENT = /(?:^|\s)[#;]/;

/**
 * Parses an AWS shared credentials or config file as the AWS CLI reads it:
 * - `[name]` starts a section; the name is trimmed and kept as written (`profile dev`), case
 *   and all. A section named twice is merged, the later value winning.
 * - `key = value`: the key in lower case (the CLI's parser folds it), the value trimmed and kept
 *   as written (quotes included). A key with an empty value sets nothing, except that indented
 *   lines after it are its sub-settings (`s3 =` then `  max_concurrent_requests = 10`, kept as
 *   `s3.max_concurrent_requests`), so they never shadow a profile's own keys.
 * - Comments start with `#` or `;` at the start of a line or after whitespace; a `#` inside a
 *   value (`abc#def`) is part of it. Lines before any section or without `=` are ignored.
 *
 * Pure; never throws. Section and key names land in null-prototype records (`__proto__` is
 * an ordinary name).
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 */
export function parseAwsIni(text: string): Map<string, AwsIniSection> {
  const sections = new Map<string, Record<string, string>>();
  let section: Record<string, string> | undefined;
  /** The key whose value is its indented sub-settings, and that key's own indentation. */
  let parent: { key: string; indent: number } | undefined;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.split(COMMENT)[0]!.trim();
    if (line.startsWith('[') && line.endsWith(']')) {
      const name = line.slice(1, -1).trim();
      section = sections.get(name) ?? Object.create(null) as Record<string, string>;
      sections.set(name, section);
      parent = undefined;
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq <= 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    const indent = raw.length - raw.trimStart().length;
    if (parent && indent <= parent.indent) parent = undefined;
    if (value === '') {
      if (!parent) parent = { key, indent };
      continue;
    }
    section[parent ? `${parent.key}.${key}` : key] = value;
  }
  return sections;
}
