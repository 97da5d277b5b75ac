import { reportRunOutcomes } from "@/lib/actions/checks";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/** The body with the path's run id; a body that names another one keeps it as `body_run_id`, which the action refuses. */
function withRunId(raw: unknown, runId: string): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const { run_id: named, ...body } = raw as Record<string, unknown>;
  return { ...body, run_id: runId, ...(named !== undefined ? { body_run_id: named } : {}) };
}

/**
 * POST /api/v1/checks/{run_id}/outcomes (pipeline tokens): what the run did per entity; appends
 * the attempt rows the rules call for. 201, or 200 when every outcome was reported before.
 * The run id is the path's; a body that names another one is refused (after the role check).
 */
export async function POST(request: Request, context: { params: Promise<{ runId: string }> }): Promise<Response> {
  const { runId } = await context.params;
  return writeRoute({ runAs: (actor, raw) => reportRunOutcomes.runAs(actor, withRunId(raw, runId)) })(request);
}
