import { reportRunOutcomes } from "@/lib/actions/checks";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/checks/{run_id}/outcomes (pipeline tokens): what the run did per entity; appends
 * the attempt rows the rules call for. 201, or 200 when every outcome was reported before.
 * The run id is the path's; a body that names another one is refused.
 */
export async function POST(request: Request, context: { params: Promise<{ runId: string }> }): Promise<Response> {
  const { runId } = await context.params;
  return writeRoute(async (raw, actor) => {
    const body = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    if (body && "run_id" in body && body.run_id !== runId) {
      const error = `run_id is the path's ("${runId}"); the body names another`;
      return { ok: false, code: "invalid", error, fieldErrors: { run_id: [error] } };
    }
    return reportRunOutcomes(body ? { ...body, run_id: runId } : raw, actor);
  })(request);
}
