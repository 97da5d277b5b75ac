import "server-only";

import { ConfigError, demoAccountsEnabled, getEnv } from "@/lib/env";
import { secureDatabaseFiles } from "@/lib/security/data-permissions";

/**
 * Server start-up checks (Node.js runtime only). Bad or missing configuration stops the server
 * here with one message naming the variable, instead of failing on the first request.
 */
export function checkConfigurationOrExit(): void {
  try {
    const env = getEnv();
    if (env.WAREHOUSE === "embedded") {
      // The database and the session secret beside it are for this user only: whatever this
      // process creates from now on (the WAL, the secret) is 0600, and what exists is checked.
      process.umask(0o077);
      for (const warning of secureDatabaseFilesWhileBuilding(env.EMBEDDED_DB_PATH)) console.warn(`[security] ${warning}`);
    }
    if (env.WAREHOUSE === "bigquery" && demoAccountsEnabled(env)) {
      const line = "!".repeat(78);
      console.warn(
        `${line}\n[auth] DEMO ACCOUNTS ARE ENABLED ON A BIGQUERY DEPLOYMENT (AUTH_DEMO_ACCOUNTS=true).\n` +
          "[auth] Anyone who knows the demo passwords can sign in, and operators can override breakers.\n" +
          `[auth] Turn it off (AUTH_DEMO_ACCOUNTS=auto) unless this is a throwaway environment.\n${line}`,
      );
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[config] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * The database's files checked while `npm start` may be building it beside this server: the
 * build's temporary files (the file being built, its WAL, the status) come and go, and one that
 * vanishes between the listing and its check is looked at again in the next pass.
 */
export function secureDatabaseFilesWhileBuilding(dbPath: string, check: (dbPath: string) => string[] = secureDatabaseFiles): string[] {
  for (let attempt = 1; ; attempt++) {
    try {
      return check(dbPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 5) throw error;
    }
  }
}
