import { createApiToken } from "@/lib/actions/api-tokens";
import { json, readRoute, writeRoute } from "@/lib/api/handler";
import { listTokens } from "@/lib/auth/api-tokens";

export const dynamic = "force-dynamic";

/** GET /api/v1/tokens (admins): every token's name, role, origin and state — never a secret or hash. */
export const GET = readRoute({ route: "tokens", permission: "manageTokens", what: "The tokens could not be read" }, async () => json({ rows: await listTokens() }));

/** POST /api/v1/tokens `{ name, role }` (admins): 201 with the token, shown this once. */
export const POST = writeRoute(createApiToken);
