import type { ReactNode } from "react";

import { NavLinks } from "@/components/layout/nav-links";

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Console">
        <p className="brand">Completeness Console</p>
        <NavLinks />
      </nav>
      <main id="main">{children}</main>
    </div>
  );
}
