"use client";

import { useState } from "react";

import { THEME_COOKIE, THEMES, type Theme } from "./theme";

const LABELS: Record<Theme, string> = { system: "System", light: "Light", dark: "Dark" };

/** Applies a theme now (the <html> attribute) and for later page loads (cookie + localStorage). */
function applyTheme(next: Theme): void {
  const root = document.documentElement;
  if (next === "system") delete root.dataset.theme;
  else root.dataset.theme = next;
  document.cookie = `${THEME_COOKIE}=${next}; Path=/; Max-Age=31536000; SameSite=Lax`;
  try {
    localStorage.setItem(THEME_COOKIE, next);
  } catch {
    // storage may be unavailable (private mode): the cookie is what the server reads anyway
  }
}

/** Light / dark / system, as a group of toggle buttons (aria-pressed says which is on). */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  function choose(next: Theme) {
    setTheme(next);
    applyTheme(next);
  }
  return (
    <div className="theme-toggle" role="group" aria-label="Theme">
      {THEMES.map((t) => (
        <button key={t} type="button" aria-pressed={theme === t} onClick={() => choose(t)} data-testid={`theme-${t}`}>
          {LABELS[t]}
        </button>
      ))}
    </div>
  );
}
