/**
 * The API bodies the CLI reads, as the server declares them (type-only imports: nothing of the
 * server is bundled or run by the CLI).
 */
import type { EntityFound, ProcessorSection } from "@/lib/data/entity";
import type { RestorePreviewView } from "@/lib/data/restores";
import type { BulkPreview } from "@/lib/engine/breaker-writes";
import type { MonitoringQueryName, MonitoringResult } from "@/lib/monitoring/schemas";

export type MonitoringBody<N extends MonitoringQueryName> = MonitoringResult<N>;
export type EntityBody = EntityFound;
export type ProcessorSectionBody = ProcessorSection;
export type BulkPreviewBody = BulkPreview & { ok: true; replay: boolean };
export type RestorePreviewBody = RestorePreviewView & { ok: true };
