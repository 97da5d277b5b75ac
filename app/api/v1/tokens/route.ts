import { createApiToken } from "@/lib/actions/api-tokens";
import { authenticate, json, writeRoute } from "@/lib/api/handler";
import { listTokens } from "@/lib/auth/api-tokens";
import { AuthError, requireRole } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** GET /api/v1/tokens (admins): every token's name, role, origin and state — never a secret or hash. */
export async function GET(request: Request) {
  const auth = await authenticate(request);
  if (!auth.ok) return auth.response;
  try {
    await requireRole("admin", auth.actor);
  } catch (error) {
    if (error instanceof AuthError) return json({ ok: false, code: "forbidden", error: error.message }, error.status);
    throw error;
  }
  return json({ rows: await listTokens() });
}

/** POST /api/v1/tokens `{ name, role }` (admins): 201 with the token, shown this once. */
export const POST = writeRoute(createApiToken);
