/**
 * Roles: viewer reads; operator also overrides and bulk-overrides; admin also resets and manages
 * API tokens. `pipeline` stands apart from that ladder: an API token a processor run uses to ask
 * the completeness check and report its outcomes — it may do that and nothing else (no console
 * read, no override, reset, audit or token). Only tokens carry it; no one signs in as it.
 * Client-safe, so the UI can hide what a role cannot do — the server refuses it anyway.
 */
export const SESSION_ROLES = ["viewer", "operator", "admin"] as const;
export type SessionRole = (typeof SESSION_ROLES)[number];

export const ROLES = [...SESSION_ROLES, "pipeline"] as const;
export type Role = (typeof ROLES)[number];

/** The console's ladder; `pipeline` is on none of its rungs. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2, pipeline: -1 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** A role a person can sign in with (the pipeline's role is for tokens only). */
export function isSessionRole(value: unknown): value is SessionRole {
  return typeof value === "string" && (SESSION_ROLES as readonly string[]).includes(value);
}

/** True when `role` is `min` or above on the console's ladder (`pipeline` reaches none of it; only itself). */
export function hasRole(role: Role, min: Role): boolean {
  if (min === "pipeline") return role === "pipeline";
  return RANK[role] >= RANK[min];
}

export const CAN = {
  override: (role: Role) => hasRole(role, "operator"),
  reset: (role: Role) => hasRole(role, "admin"),
  /** Put back the rows a reset deleted. */
  restore: (role: Role) => hasRole(role, "admin"),
  /** Ask the completeness check for a processor run and report its outcomes. */
  check: (role: Role) => role === "pipeline",
} as const;
