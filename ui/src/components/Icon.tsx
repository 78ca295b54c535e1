/** Inline SVG icons (no icon fonts or remote images: CSP-friendly). Decorative unless labelled. */
const PATHS = {
  check: "M5 12.5l4.5 4.5L19 7.5",
  photo: "M4 6h16v12H4z M4 15l4.5-4.5 4 4 2.5-2.5L20 17 M15.5 9.5h.01",
  video: "M3 7h12v10H3z M15 10.5l6-3.5v10l-6-3.5",
  warning: "M12 3l10 18H2z M12 10v5 M12 18h.01",
  info: "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M12 11v6 M12 7.5h.01",
  pause: "M8 5v14 M16 5v14",
  play: "M7 5l12 7-12 7z",
  dot: "M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6z",
  cross: "M6 6l12 12 M18 6L6 18",
  skip: "M5 12h14 M13 6l6 6-6 6",
  lock: "M6 11h12v9H6z M9 11V8a3 3 0 0 1 6 0v3",
  cloud: "M7 18h10a4 4 0 0 0 .5-7.97A6 6 0 0 0 6 9.5 4.25 4.25 0 0 0 7 18z",
  offline: "M2 8.8a15 15 0 0 1 20 0 M5 12.6a10 10 0 0 1 14 0 M8.5 16.4a5 5 0 0 1 7 0 M12 20h.01 M3 3l18 18",
  external: "M14 4h6v6 M20 4l-9 9 M18 14v6H4V6h6",
  sun: "M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z M12 2v2 M12 20v2 M4.9 4.9l1.4 1.4 M17.7 17.7l1.4 1.4 M2 12h2 M20 12h2 M4.9 19.1l1.4-1.4 M17.7 6.3l1.4-1.4",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, label, className }: { name: IconName; label?: string; className?: string }) {
  return (
    <svg
      className={`icon ${className ?? ""}`}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
