import { resetBreaker } from "@/lib/actions/reset-breaker";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";
export const POST = writeRoute(resetBreaker);
