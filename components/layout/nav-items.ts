/** The areas of the console, in navigation order. Client-safe. */
export const NAV_ITEMS = [
  { href: "/", label: "Overview", description: "Health per processor, alerts, data-as-of" },
  { href: "/breakers", label: "Breakers", description: "Active circuit breakers, history, patterns" },
  { href: "/trends", label: "Trends", description: "Completeness, readiness and trips over time" },
  { href: "/entities", label: "Entities", description: "Below threshold, multi-window, bootstrap, entity pages" },
  { href: "/audit", label: "Audit", description: "Every override and reset: who, when, why" },
] as const;
