import { getServiceHealth } from "@/lib/data/health";

// Always a live round trip: a cached "ok" would hide an outage from the load balancer.
export const dynamic = "force-dynamic";

export async function GET() {
  const health = await getServiceHealth();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
