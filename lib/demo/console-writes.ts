import { createDuckDbWarehouse } from "@/lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "@/lib/warehouse/schema";

/**
 * How many rows of `dbPath` the console wrote (not the demo builder). Opens the file. A simulated
 * pipeline pass (`demo_advance`) is the demo's own simulation, not an operator's work: its audit
 * record does not count, and its attempt rows carry no actor.
 */
export async function countConsoleWrites(dbPath: string, demoActors: readonly string[]): Promise<number> {
  const wh = createDuckDbWarehouse({ path: dbPath, onOpen: applyEmbeddedSchema });
  try {
    // Maintenance check on the demo file, not a console query: the actors are parameters.
    const [row] = await wh.query(
      `SELECT
         (SELECT COUNT(*) FROM nba_orchestration.breaker_audit_log WHERE actor NOT IN UNNEST(@actors) AND action <> 'demo_advance') +
         (SELECT COUNT(*) FROM nba_orchestration.api_tokens) +
         (SELECT COUNT(*) FROM nba_orchestration.reprocess_attempts WHERE actor IS NOT NULL AND actor NOT IN UNNEST(@actors)) AS n`,
      { params: { actors: [...demoActors] }, types: { actors: ["STRING"] }, label: "demo_console_writes" },
    );
    return Number(row?.n ?? 0);
  } finally {
    await wh.close();
  }
}

