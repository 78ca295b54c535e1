import type { Theme } from "../../ipc/types";

/** "system" follows prefers-color-scheme (CSS); light/dark force it via a data attribute. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement) {
  if (theme === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", theme);
}
