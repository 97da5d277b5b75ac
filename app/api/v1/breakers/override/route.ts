import { overrideBreaker } from "@/lib/actions/override-breaker";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";
export const POST = writeRoute(overrideBreaker);
