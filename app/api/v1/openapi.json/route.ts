import { json } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/checks/openapi";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/openapi.json: the API's OpenAPI 3.1 contract, generated from the zod schemas the
 * routes validate with (lib/checks/openapi.ts).
 *
 * Public, deliberately: a contract is not a secret — it holds no data, only the shapes the
 * repository's own schemas already publish — and the team that writes a processor's client reads
 * it before it has a token. Nothing else changes for it: the proxy applies its Host check and
 * security headers and redirects no /api path to sign-in, and the request gate never holds back
 * a GET. Every route the document describes still checks its caller.
 */
export function GET(): Response {
  return json(openApiDocument());
}
