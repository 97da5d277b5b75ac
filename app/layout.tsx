import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";

import { THEME_COOKIE, parseTheme } from "@/components/layout/theme";

import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "Completeness Console", template: "%s · Completeness Console" },
  description: "Data-quality operations console for the NBA statistics pipeline",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The theme comes from a cookie, on the server: the first paint has it (no flash, no inline script).
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
