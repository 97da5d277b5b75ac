import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { getEnv } from "@/lib/env";

let cached: string | undefined;

/**
 * The session-signing secret. Configured in production (required with BigQuery, the same on
 * every replica). With the embedded database and none configured, one is generated on first
 * use and kept beside the database file (git-ignored), so the two-command quick start needs no
 * setup and sessions survive restarts; the proxy and the server read the same file.
 */
export function authSecret(): string {
  if (cached) return cached;
  const env = getEnv();
  if (env.NEXTAUTH_SECRET) return (cached = env.NEXTAUTH_SECRET);
  if (env.WAREHOUSE !== "embedded") throw new Error("NEXTAUTH_SECRET is required");
  const file = join(dirname(/* turbopackIgnore: true */ env.EMBEDDED_DB_PATH), ".auth-secret");
  try {
    cached = readFileSync(/* turbopackIgnore: true */ file, "utf8").trim();
  } catch {
    mkdirSync(/* turbopackIgnore: true */ dirname(file), { recursive: true, mode: 0o700 });
    try {
      // `wx`: if two processes race, one creates it and the other reads the winner's.
      writeFileSync(/* turbopackIgnore: true */ file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch {
      /* created meanwhile */
    }
    cached = readFileSync(/* turbopackIgnore: true */ file, "utf8").trim();
  }
  return cached;
}
