/**
 * Roles (SPEC §3): viewer reads; operator also overrides and bulk-overrides; admin also resets.
 * Client-safe, so the UI can hide what a role cannot do — the server refuses it anyway.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` is `min` or above. */
export function hasRole(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

export const CAN = {
  override: (role: Role) => hasRole(role, "operator"),
  reset: (role: Role) => hasRole(role, "admin"),
} as const;
