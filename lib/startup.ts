import "server-only";

import { ConfigError, getEnv } from "@/lib/env";

/**
 * Server start-up checks (Node.js runtime only). Bad or missing configuration stops the server
 * here with one message naming the variable, instead of failing on the first request.
 */
export function checkConfigurationOrExit(): void {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[config] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
