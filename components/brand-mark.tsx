/** The Trellis lattice mark (top bar and sign-in card). */
export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 20 20" width="20" height="20" aria-hidden>
      <path d="M3 17 L17 3 M3 10 L10 3 M10 17 L17 10 M3 3 L17 17 M3 10 L10 17 M10 3 L17 10" stroke="currentColor" strokeWidth="1.6" fill="none" strokeLinecap="round" />
    </svg>
  );
}
