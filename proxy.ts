import type { NextRequest } from "next/server";

import { handleRequest } from "@/lib/security/proxy-handler";

/**
 * Next 16's proxy: security headers with a per-request CSP nonce on every response, sign-in
 * redirects for anonymous page visits, and the sliding idle window of sessions. Authorization
 * itself is checked on the server at every read and write, never only here.
 */
export async function proxy(request: NextRequest) {
  // NODE_ENV is Next's build mode, not configuration: development needs eval for fast refresh.
  return handleRequest(request, { dev: process.env.NODE_ENV === "development" });
}

export const config = {
  // Everything but Next's static assets (they need neither a session nor a nonce).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
