/**
 * A byte count as people read it in an error message: `1.5 MB` (one decimal) from 1 MiB up,
 * `64 KB` (whole) from 1 KiB up, else `512 bytes`. Binary units, as the limits are set.
 */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${Math.round((n / (1 << 20)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
