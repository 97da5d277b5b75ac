import { getServiceHealth } from "@/lib/data/health";
import { getEnv } from "@/lib/env";
import { buildProgressView, readBuildStatus } from "@/lib/warehouse/build-status";

// Always a live round trip: a cached "ok" would hide an outage from the load balancer.
export const dynamic = "force-dynamic";

/** Seconds a probe is asked to wait while the demo database is built. */
const RETRY_AFTER_S = "5";

export async function GET() {
  // While `npm start` builds the demo database the server must not open it: the build is the
  // answer (503, not ready), with its progress — counts and times only, nothing configured.
  const env = getEnv();
  const build = env.WAREHOUSE === "embedded" ? readBuildStatus(env.EMBEDDED_DB_PATH) : null;
  if (build) {
    return Response.json(
      {
        status: build.state === "failed" ? "build_failed" : "starting",
        warehouse: env.WAREHOUSE,
        reason: build.state === "failed" ? "The demo database could not be built" : "The demo database is being built",
        build: buildProgressView(build),
      },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": RETRY_AFTER_S } },
    );
  }
  const health = await getServiceHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
