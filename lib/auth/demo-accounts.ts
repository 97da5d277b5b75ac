import { type AppEnv, DEFAULT_DEMO_PASSWORDS, demoAccountsEnabled } from "@/lib/env";

import type { SessionRole as Role } from "./roles";

/** The demo accounts' passwords as configured (the defaults unless DEMO_PASSWORD_* are set). */
export function demoPasswords(env: AppEnv): Record<Role, string> {
  return { viewer: env.DEMO_PASSWORD_VIEWER, operator: env.DEMO_PASSWORD_OPERATOR, admin: env.DEMO_PASSWORD_ADMIN };
}

/**
 * The passwords the sign-in page may print: only the built-in, already public defaults, and only
 * on the embedded demo. A configured password is a secret (never shown); on BigQuery nothing is
 * shown, even where demo accounts were turned on.
 */
export function demoPasswordsToShow(env: AppEnv): Record<Role, string> | null {
  if (env.WAREHOUSE !== "embedded" || !demoAccountsEnabled(env)) return null;
  const passwords = demoPasswords(env);
  const allDefault = (Object.keys(DEFAULT_DEMO_PASSWORDS) as Role[]).every((role) => passwords[role] === DEFAULT_DEMO_PASSWORDS[role]);
  return allDefault ? passwords : null;
}
