import NextAuth from "next-auth";

import { authOptions } from "@/lib/auth/options";

// Built per request from the validated configuration (not at import time, so `next build`
// needs no secrets).
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
