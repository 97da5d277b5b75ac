import "server-only";

import { type Warehouse, WarehouseError } from "./types";

export interface CatalogColumn {
  /** Logical dataset name (nba_raw, …), as in `sql/`. */
  dataset: string;
  table: string;
  column: string;
}

/**
 * The columns the warehouse holds in the given logical datasets. The one read whose text
 * differs by backend, kept inside the warehouse layer: DuckDB has one `information_schema`
 * per database (datasets are schemas), BigQuery one `INFORMATION_SCHEMA` per dataset (the
 * adapter maps the logical dataset name to the configured one). A dataset that does not exist
 * holds no columns.
 */
export async function listColumns(wh: Warehouse, datasets: readonly string[]): Promise<CatalogColumn[]> {
  if (datasets.length === 0) return [];
  if (wh.kind === "embedded") {
    const rows = await wh.query<{ dataset: string; table_name: string; column_name: string }>(
      "SELECT table_schema AS dataset, table_name, column_name FROM information_schema.columns WHERE table_schema IN UNNEST(@datasets)",
      { params: { datasets: [...datasets] }, types: { datasets: ["STRING"] }, label: "schema_columns" },
    );
    return rows.map((r) => ({ dataset: r.dataset, table: r.table_name, column: r.column_name }));
  }
  const perDataset = await Promise.all(
    datasets.map(async (dataset) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(dataset)) throw new WarehouseError(`Not a dataset name: ${dataset}`);
      try {
        const rows = await wh.query<{ table_name: string; column_name: string }>(
          `SELECT table_name, column_name FROM ${dataset}.INFORMATION_SCHEMA.COLUMNS`,
          { label: "schema_columns" },
        );
        return rows.map((r) => ({ dataset, table: r.table_name, column: r.column_name }));
      } catch (error) {
        if (error instanceof WarehouseError && error.detail.reason === "notFound") return [];
        throw error;
      }
    }),
  );
  return perDataset.flat();
}
