/** The Switchyard mark: a track switching from one line to another. */
export function Logo() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true">
      <path d="M3 6h7l4 6h7" />
      <path d="M3 18h7l4-6" />
      <circle cx="21" cy="12" r="1.2" fill="currentColor" />
    </svg>
  );
}
