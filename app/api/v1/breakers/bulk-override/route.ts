import { applyBulkOverrideAction } from "@/lib/actions/bulk-override-breakers";
import { writeRoute } from "@/lib/api/handler";

export const dynamic = "force-dynamic";
export const POST = writeRoute(applyBulkOverrideAction);
