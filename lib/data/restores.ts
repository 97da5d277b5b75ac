import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import type { RestorePreviewView, RestoreStatus } from "@/lib/breakers/changes";
import { type ResetRef, type RestorePreview, previewRestore, previewRestores } from "@/lib/engine/breaker-writes";
import { getWarehouse } from "@/lib/warehouse";

function statusOf(p: RestorePreview): RestoreStatus {
  return {
    audit_id: p.reset.audit_id,
    key: p.key,
    rowCount: p.rows.length,
    available: p.availability.ok,
    refusal: p.availability.ok ? null : p.availability.refusal,
    message: p.availability.ok ? null : p.availability.message,
    restorableUntil: p.restorableUntil,
  };
}

/**
 * The restore status of each listed reset (viewer: the Audit page shows everyone whether and why
 * not; only admins get the form). Two queries however many resets are listed.
 */
export const listRestoreStatuses = cache(async (resetAuditIds: readonly string[], actor?: Actor | null): Promise<RestoreStatus[]> => {
  await requireRole("viewer", actor);
  if (resetAuditIds.length === 0) return [];
  const previews = await previewRestores(getWarehouse(), { auditIds: resetAuditIds, requestIds: [] }, new Date().toISOString());
  return previews.map(statusOf);
});

/** A reset, the rows a restore would put back, and whether it can now (`GET /api/v1/breakers/restore`). */

/**
 * One reset with the rows a restore would put back and whether it can now (viewer; what
 * `completeness restore --dry-run` shows). Null for an unknown reset.
 */
export async function getRestorePreview(ref: ResetRef, actor?: Actor | null): Promise<RestorePreviewView | null> {
  await requireRole("viewer", actor);
  const found = await previewRestore(getWarehouse(), ref, new Date().toISOString());
  if (!found.ok) return null;
  return { ...statusOf(found.data), reset: found.data.reset, rows: found.data.rows };
}
