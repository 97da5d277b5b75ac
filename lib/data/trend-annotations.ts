import "server-only";

import { cache } from "react";

import { type Actor, requireRole } from "@/lib/auth/session";
import { type IsoDate, addDays } from "@/lib/completeness/dates";
import { trendAnnotations } from "@/lib/queries/trend-annotations";
import { getWarehouse } from "@/lib/warehouse";
import type { Warehouse } from "@/lib/warehouse/types";

export type TrendAnnotationRow = Awaited<ReturnType<typeof trendAnnotations.run>>[number];

/**
 * The operators' audited actions (override, bulk override, reset, restore) from `from` 00:00 UTC
 * through the whole of `through` (viewer): the trends charts' annotations. The audit, not the
 * attempt rows: a reset deletes a key's rows, an override among them included, and the audit
 * keeps the write. Read once per server request.
 */
export const getTrendAnnotations = cache(
  async (from: IsoDate, through: IsoDate, options: { actor?: Actor | null; warehouse?: Warehouse } = {}): Promise<TrendAnnotationRow[]> => {
    await requireRole("viewer", options.actor);
    return trendAnnotations.run(options.warehouse ?? getWarehouse(), {
      created_from: `${from}T00:00:00.000Z`,
      created_to: `${addDays(through, 1)}T00:00:00.000Z`,
    });
  },
);
