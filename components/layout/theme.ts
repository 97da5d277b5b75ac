/**
 * The theme choice: "system" follows prefers-color-scheme; "light"/"dark" override it. Stored in
 * a cookie that the root layout reads on the server to set `data-theme` on <html>, so the first
 * paint is already right (no flash, and no inline script that a strict CSP would refuse), and
 * mirrored in localStorage. Client-safe.
 */
export const THEME_COOKIE = "theme";
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export function parseTheme(value: string | undefined | null): Theme {
  return (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";
}
