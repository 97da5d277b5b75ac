import { previewBulkOverrideAction } from "@/lib/actions/bulk-override-breakers";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";
// A preview writes nothing, but it is a POST (the filter is a body) and costs warehouse reads:
// it takes the same checks as a write (operator, same-origin).
export const POST = writeRoute(previewBulkOverrideAction, { creates: false });
