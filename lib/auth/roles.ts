/**
 * Who may do what: the one policy. Roles: viewer reads; operator also overrides and
 * bulk-overrides; admin also resets, restores, advances the demo and manages API tokens.
 * `pipeline` stands apart from that ladder: an API token a processor run uses to ask the
 * completeness check and report its outcomes — it may do that and nothing else (no console read,
 * no override, reset, audit or token). Only tokens carry it; no one signs in as it.
 *
 * `PERMISSIONS` names each thing a caller may do with the lowest role that may do it, and `CAN`
 * answers it per role. Every decision reads them: each write verb in lib/actions declares its
 * permission and is refused at the action boundary before its input is parsed (the check that
 * counts); the UI hides what a role cannot do; the engine and the breaker rules repeat the
 * check through `CAN` (defence in depth for callers that bypass the actions, such as scripts and
 * the demo) rather than with their own role literals. No other module names a role to decide.
 * Client-safe (imports nothing), so the UI can use it — the server refuses anyway.
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

/** Each permission and the lowest role that holds it. */
export const PERMISSIONS = {
  /** Console reads: pages, the read API, the audit log, restore previews. */
  read: "viewer",
  /** Override one breaker, preview and apply a bulk override, ask what an override would do. */
  override: "operator",
  /** Reset a key: delete its breaker rows (destructive). */
  reset: "admin",
  /** Put back the rows a reset deleted. */
  restore: "admin",
  /** Create, list and revoke API tokens. */
  manageTokens: "admin",
  /** Run the embedded demo's next simulated pipeline pass. */
  advanceDemo: "admin",
  /** Ask the completeness check for a processor run and report its outcomes. */
  check: "pipeline",
} as const satisfies Record<string, Role>;
export type Permission = keyof typeof PERMISSIONS;

/** `CAN.<permission>(role)`: whether `role` holds that permission. */
export const CAN = Object.fromEntries(
  (Object.keys(PERMISSIONS) as Permission[]).map((permission) => [permission, (role: Role) => hasRole(role, PERMISSIONS[permission])]),
) as { readonly [P in Permission]: (role: Role) => boolean };
