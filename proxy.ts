import type { NextRequest } from "next/server";

import { onWrite } from "@/lib/engine/data-version";
import { notePageWrite } from "@/lib/security/page-cache";
import { handleRequest } from "@/lib/security/proxy-handler";

// The proxy's page cache answers no page rendered before a write this process applied.
onWrite(notePageWrite);

/**
 * Next 16's proxy: security headers with a per-request CSP nonce on every response, sign-in
 * redirects for anonymous page visits, and the sliding idle window of sessions. Authorization
 * itself is checked on the server at every read and write, never only here.
 */
export async function proxy(request: NextRequest) {
  // NODE_ENV is Next's build mode, not configuration: development needs eval for fast refresh.
  // PORT is not configuration either: `next start` sets it to the port it listens on once it does.
  return handleRequest(request, { dev: process.env.NODE_ENV === "development", port: process.env.PORT });
}

export const config = {
  // Everything but Next's static assets (they need neither a session nor a nonce).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
