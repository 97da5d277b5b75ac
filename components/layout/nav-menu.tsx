"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * The sidebar's contents (navigation, who is signed in, theme) behind a menu button on narrow
 * screens; on wide ones the button is hidden and the contents always show (globals.css decides
 * by width, so the server's HTML is right before any script runs). The button says whether the
 * menu is open (aria-expanded) and which element it opens (aria-controls); Escape closes it and
 * gives focus back to the button; following a link closes it.
 */
export function NavMenu({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  // A new page closes the menu (adjusting state while rendering, not in an effect).
  if (shownFor !== pathname) {
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <button
        ref={button}
        type="button"
        className="menu-button"
        aria-expanded={open}
        aria-controls="console-menu"
        onClick={() => setOpen((o) => !o)}
        data-testid="menu-button"
      >
        <span aria-hidden="true" className="menu-glyph">
          {open ? "✕" : "☰"}
        </span>
        Menu
      </button>
      <div id="console-menu" className="sidebar-menu" data-open={open}>
        {children}
      </div>
    </>
  );
}
