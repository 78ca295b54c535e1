import type { ReactNode } from "react";
import { Icon } from "./Icon";

/** A link that opens in the person's browser (Tauri: the opener handles target=_blank). */
export function ExternalLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  return (
    <a className={className ?? "link"} href={href} target="_blank" rel="noreferrer noopener">
      {children}
      <Icon name="external" className="icon-inline" />
      <span className="visually-hidden"> (opens your browser)</span>
    </a>
  );
}
