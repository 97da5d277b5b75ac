import NextAuth from "next-auth";

import { errorResponse } from "@/lib/api/handler";
import { authOptions } from "@/lib/auth/options";
import { getEnv } from "@/lib/env";
import { fieldRefusal } from "@/lib/errors";
import { isSameOriginCallback } from "@/lib/security/callback-url";

// Built per request from the validated configuration (not at import time, so `next build`
// needs no secrets).
async function handler(req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) {
  // A callbackUrl leading off the console is a client error, refused before next-auth sees it
  // (its redirect callback would fall back to the console's root; the refusal says why).
  const callbackUrl = new URL(req.url).searchParams.get("callbackUrl");
  const origin = getEnv().NEXTAUTH_URL ?? new URL(req.url).origin;
  if (callbackUrl !== null && !isSameOriginCallback(callbackUrl, origin)) {
    return errorResponse(fieldRefusal("callbackUrl", "callbackUrl must be a path on this console"));
  }
  return NextAuth(req as never, ctx as never, authOptions());
}

export { handler as GET, handler as POST };
