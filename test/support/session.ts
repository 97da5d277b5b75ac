import { encode } from "next-auth/jwt";

import { authSecret } from "@/lib/auth/secret";
import type { Role } from "@/lib/auth/roles";

/** A session cookie as next-auth would issue it after signing in as a demo account. */
export async function sessionCookie(role: Role, name: string = role, at = Date.now()): Promise<string> {
  const token = await encode({ token: { name, role, loginAt: at, lastSeen: at }, secret: authSecret() });
  return `next-auth.session-token=${token}`;
}
