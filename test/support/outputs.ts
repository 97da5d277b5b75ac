/**
 * Output rows of the team defense zone analysis written directly, for tests of the monitoring
 * reads that need a night's figures without running the engine.
 */
import type { IsoDate } from "@/lib/completeness/dates";
import { getProcessor } from "@/lib/completeness/processors";
import { outputColumns } from "@/lib/engine/run-processor";
import type { Warehouse } from "@/lib/warehouse/types";

export interface TeamOutput {
  team: string;
  completeness: number;
  /** Ready rows were processed; the others skipped for incomplete upstream data. */
  ready: boolean;
}

/** One team_defense_zone_analysis row per team for `date`, all written at `processedAt`. */
export async function insertTeamDefenseOutputs(wh: Warehouse, date: IsoDate, processedAt: string, outputs: readonly TeamOutput[]): Promise<void> {
  const def = getProcessor("team_defense_zone_analysis");
  await wh.insert(
    def.table,
    outputColumns(def),
    outputs.map((o) => ({
      team_abbr: o.team,
      analysis_date: date,
      processed_at: processedAt,
      completeness_percentage: o.completeness,
      is_production_ready: o.ready,
      backfill_bootstrap_mode: false,
      processing_decision_reason: o.ready ? "processed_successfully" : "skipped_incomplete_upstream_data",
    })),
  );
}
