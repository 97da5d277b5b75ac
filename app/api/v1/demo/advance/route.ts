import { advanceDemo } from "@/lib/actions/advance-demo";
import { writeRoute } from "@/lib/api/handler";

/**
 * `POST /api/v1/demo/advance` with `{}`: the embedded demo's next simulated pipeline pass, now
 * (admin; 404 on a database that is not a demo, 409 on the original profile). Answers what it
 * ran: upstream rows landed, and per processor the keys attempted, processed, failed, re-tripped.
 */
export const dynamic = "force-dynamic";
export const POST = writeRoute(advanceDemo, { creates: false });
