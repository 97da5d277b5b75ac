import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".next-*/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "bench/results/**"]),
  {
    rules: {
      // `_name` marks a deliberately unused binding (e.g. a property dropped with a rest spread).
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Configuration is read in one validated module (lib/env.ts), nowhere else.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/env.ts (getEnv)." },
      ],
    },
  },
  {
    files: ["lib/env.ts", "instrumentation.ts", "proxy.ts", "next.config.js", "scripts/**", "cli/**", "bench/**", "e2e/**", "playwright.config.ts", "**/*.test.ts", "test/**"],
    rules: { "no-restricted-properties": "off" },
  },
]);
