/** Where each role's signed-in browser state is kept by auth.setup.ts. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type E2eRole = (typeof ROLES)[number];
export const authFile = (role: E2eRole) => `e2e/.auth/${role}.json`;
