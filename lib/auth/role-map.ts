import type { Role } from "./roles";
import { isSessionRole } from "./roles";

/**
 * `AUTH_ROLES`: `lead@x.example=admin,oncall@x.example=operator,x.example=viewer`. An exact
 * e-mail wins over its domain; an allowed user who is not listed is a viewer. Pure.
 */
export interface RoleMap {
  emails: ReadonlyMap<string, Role>;
  domains: ReadonlyMap<string, Role>;
}

export function parseRoleMap(text: string): RoleMap {
  const emails = new Map<string, Role>();
  const domains = new Map<string, Role>();
  for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
    const [who, role] = entry.split("=").map((p) => p.trim().toLowerCase());
    if (!who || !isSessionRole(role)) throw new RangeError(`AUTH_ROLES entry "${entry}" must look like name@domain=role or domain=role (roles: viewer, operator, admin)`);
    (who.includes("@") ? emails : domains).set(who, role);
  }
  return { emails, domains };
}

export function parseDomains(text: string): string[] {
  return text.split(",").map((d) => d.trim().toLowerCase().replace(/^@/, "")).filter(Boolean);
}

/** The role of a signed-in e-mail, or null when its domain is not allowed. */
export function roleForEmail(email: string, allowedDomains: readonly string[], map: RoleMap): Role | null {
  const address = email.trim().toLowerCase();
  const domain = address.split("@")[1];
  if (!domain || !allowedDomains.includes(domain)) return null;
  return map.emails.get(address) ?? map.domains.get(domain) ?? "viewer";
}
