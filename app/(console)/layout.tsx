import { cookies } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";

import { getDemoThrough } from "@/lib/data/calendar";
import { getViewer } from "@/lib/data/viewer";

import { DemoNotice } from "@/components/layout/demo-notice";
import { NavLinks } from "@/components/layout/nav-links";
import { NavMenu } from "@/components/layout/nav-menu";
import { THEME_COOKIE, parseTheme } from "@/components/layout/theme";
import { ThemeToggle } from "@/components/layout/theme-toggle";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const [jar, actor] = await Promise.all([cookies(), getViewer()]);
  // The proxy sends anonymous visitors to sign-in first; this guard covers an expired session,
  // and every data read checks the role again.
  if (!actor) redirect("/login?error=SessionExpired");
  const theme = parseTheme(jar.get(THEME_COOKIE)?.value);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="sidebar">
        <p className="brand">Completeness Console</p>
        <NavMenu>
          <nav aria-label="Console">
            <NavLinks />
          </nav>
          <div className="sidebar-foot">
            {(
              <p className="who small" data-testid="signed-in-as">
                Signed in as <strong>{actor.name}</strong> ({actor.role})
                <br />
                {/* next-auth's sign-out page (it asks to confirm, with its CSRF token); not a page of this app. */}
                <Link href="/api/auth/signout" prefetch={false}>
                  Sign out
                </Link>
              </p>
            )}
            <DemoNotice through={getDemoThrough()} />
            <ThemeToggle initial={theme} />
          </div>
        </NavMenu>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
