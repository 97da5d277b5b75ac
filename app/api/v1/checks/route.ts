import { checkProcessorRun } from "@/lib/actions/checks";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/checks (pipeline tokens): one call per processor run — the decision, windows,
 * output columns and breaker state per entity. 200 (a check decides; with `record: true` it also
 * appends the skips' attempts), 503 when the warehouse does not answer. Contract: /api/v1/openapi.json.
 */
export const POST = writeRoute(checkProcessorRun, { creates: false });
