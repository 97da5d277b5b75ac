import "server-only";

import { getDeployment } from "@/lib/data/deployment";
import { noteWrite } from "@/lib/engine/data-version";
import { advanceEmbeddedDemo } from "@/lib/demo/advance";
import { advanceDemoInput } from "@/lib/demo/schemas";
import { getEnv } from "@/lib/env";
import { refusal } from "@/lib/errors";
import { getWarehouse } from "@/lib/warehouse";

import { defineAction } from "./authorized-action";

/**
 * Run the demo's next pipeline pass now (admin only): on the embedded demo database only — a
 * database built from real tables (no `.demo.json`) or BigQuery has no simulated season to
 * advance, and the pipeline that runs there is the real one.
 */
export const advanceDemo = defineAction({
  name: "advance_demo",
  permission: "advanceDemo",
  input: advanceDemoInput,
  revalidate: ["/", "/breakers", "/incidents", "/trends", "/entities", "/audit"],
  run: async (_input, actor) => {
    const env = getEnv();
    if (env.WAREHOUSE !== "embedded") return refusal("not_found", "There is no demo database on BigQuery: the real pipeline runs there.");
    const outcome = await advanceEmbeddedDemo(getWarehouse(), env.EMBEDDED_DB_PATH, {
      deployment: getDeployment(env),
      actor: { name: actor.name, role: actor.role },
    });
    if (!outcome.ok) return refusal(outcome.code, outcome.message);
    // The pass may run at the latest stored row, later than this clock: the monitoring reads'
    // default `now` must include what it wrote (the helper notes the write at the wall clock).
    noteWrite(Date.parse(outcome.result.now));
    return { ok: true, replay: false, data: outcome.result };
  },
});
