/**
 * Opens an embedded database file in a process of its own, as the console does (`--console`:
 * with the console's schema applied on open) or as any other reader (without), prints one JSON
 * line with the row count of reprocess_attempts, then leaves: `--exit` without closing (a
 * killed console), otherwise closing cleanly. Used by the tests that a file altered on open
 * still opens after an unclean stop.
 */
import { createDuckDbWarehouse } from "../../lib/warehouse/duckdb";
import { applyEmbeddedSchema } from "../../lib/warehouse/schema";

const [file, ...flags] = process.argv.slice(2);
const wh = createDuckDbWarehouse({ path: file!, onOpen: flags.includes("--console") ? applyEmbeddedSchema : undefined });
const [row] = await wh.query<{ n: number }>("SELECT COUNT(*) AS n FROM nba_orchestration.reprocess_attempts");
console.log(JSON.stringify({ attempts: row?.n }));
if (flags.includes("--exit")) process.exit(0);
await wh.close();
