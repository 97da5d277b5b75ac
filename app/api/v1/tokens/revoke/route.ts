import { revokeApiToken } from "@/lib/actions/api-tokens";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/** POST /api/v1/tokens/revoke `{ name }` (admins): 200; 404 for an unknown name. */
export const POST = writeRoute(revokeApiToken, { creates: false });
