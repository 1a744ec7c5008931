/** The chat pages' line icons: one 24×24 stroke path each, drawn by one component. */
export const Icon = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" aria-hidden="true" className="pc-icon">
    <path d={d} />
  </svg>
);

export const PLUS = "M12 5v14M5 12h14";
export const MENU = "M4 7h16M4 12h16M4 17h16";
export const CLOSE = "M6 6l12 12M18 6L6 18";
export const TRASH = "M5 7h14M10 11v6M14 11v6M6 7l1 12h10l1-12M9 7V4h6v3";
export const COPY = "M9 9h10v10H9zM5 15V5h10";
export const CHECK = "M5 12l5 5 9-10";
export const UP = "M7 11v9H4v-9zM7 11l4-8a2 2 0 0 1 2 2v4h6a2 2 0 0 1 2 2l-2 7a2 2 0 0 1-2 2H7";
export const DOWN = "M17 13V4h3v9zM17 13l-4 8a2 2 0 0 1-2-2v-4H5a2 2 0 0 1-2-2l2-7a2 2 0 0 1 2-2h10";
