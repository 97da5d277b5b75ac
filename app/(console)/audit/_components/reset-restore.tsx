import type { RestoreStatus } from "@/lib/breakers/changes";

import { RestoreControl } from "./restore-form";

/** Beside a reset's record: its restore (a reset recorded more than 365 days ago has no status). */
export function ResetRestore({ status, canRestore }: { status: RestoreStatus | undefined; canRestore: boolean }) {
  if (!status) return null;
  return <RestoreControl status={status} canRestore={canRestore} />;
}
