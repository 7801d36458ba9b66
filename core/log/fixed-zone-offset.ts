import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local time zone's offset from UTC in ms when the zone never changes it (UTC, as in most
 * containers and servers, or a fixed zone such as `Etc/GMT-3`); undefined when it has
 * transitions (DST) or cannot be read. Read from the zone's TZif file, as the C library does.
 *
 * Why: the first local-time call (`Date#getHours`) loads ICU's time-zone data, ~3 MB of
 * resident memory for the life of the process, only to learn that the offset is 0. A console
 * clock that knows the offset formats UTC fields shifted by it instead.
 */
export function fixedZoneOffsetMs(env: Record<string, string | undefined> = process.env, localtime = '/etc/localtime'): number | undefined {
  const file = zoneFile(env, localtime);
  if (!file) return undefined;
  try {
    return fixedOffsetOf(readFileSync(file));
  } catch (e) {
    // No TZ and no /etc/localtime (slim and distroless images): the C library and ICU use UTC.
    return file === localtime && (e as { code?: unknown }).code === 'ENOENT' ? 0 : undefined;
  }
}

/** The TZif file the C library reads: `TZ` (a zone name or `:path`), else /etc/localtime. */
function zoneFile(env: Record<string, string | undefined>, localtime: string): string | undefined {
  const tz = env.TZ;
  if (tz === undefined || tz === '') return localtime;
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name.startsWith('/')) return name;
  // A POSIX rule (`EST5EDT,M3.2.0,M11.1.0`) or anything odd: leave it to ICU.
  if (!/^[A-Za-z0-9_+\-]+(\/[A-Za-z0-9_+\-]+)*$/.test(name)) return undefined;
  return join(env.TZDIR || '/usr/share/zoneinfo', name);
}

/**
 * TZif (RFC 8536): fixed when the data block that counts (the 64-bit one from version 2 on)
 * has no transitions, no leap seconds and one local time type, and the footer rule (v2+) has
 * no daylight-saving part.
 */
export function fixedOffsetOf(buf: Uint8Array): number | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = (at: number) => {
    if (at + 44 > buf.length || view.getUint32(at) !== 0x545a6966) return undefined; // "TZif"
    const [isut, isstd, leap, time, type, chars] = [20, 24, 28, 32, 36, 40].map((o) => view.getUint32(at + o));
    return { version: buf[at + 4]!, isut: isut!, isstd: isstd!, leap: leap!, time: time!, type: type!, chars: chars! };
  };
  const v1 = header(0);
  if (!v1) return undefined;
  let h = v1;
  let data = 44;
  let timeSize = 4;
  if (v1.version >= 0x32) { // '2'
    const at = 44 + v1.time * 5 + v1.type * 6 + v1.chars + v1.leap * 8 + v1.isstd + v1.isut;
    const v2 = header(at);
    if (!v2) return undefined;
    h = v2;
    data = at + 44;
    timeSize = 8;
  }
  if (h.time !== 0 || h.leap !== 0 || h.type !== 1) return undefined;
  const ttinfo = data; // no transition times or indexes precede it
  if (ttinfo + 6 > buf.length) return undefined;
  const offsetSec = view.getInt32(ttinfo);
  if (timeSize === 8) {
    const end = ttinfo + 6 + h.chars + h.isstd + h.isut;
    const footer = new TextDecoder().decode(buf.subarray(end)).split('\n')[1] ?? '';
    // A rule with a DST name after the offset (`CET-1CEST,…`) changes the offset in the future.
    if (!/^(<[^>]+>|[A-Za-z]{3,})[+-]?\d{1,2}(:\d{2}){0,2}$/.test(footer)) return undefined;
  }
  return offsetSec * 1000;
}
