/**
 * Runs once when the server starts. Bad or missing configuration stops start-up here with one
 * message naming the variable, instead of failing later on the first request.
 */
export async function register() {
  // NEXT_RUNTIME is Next's own marker of the runtime, not configuration.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, getEnv } = await import("./lib/env");
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
