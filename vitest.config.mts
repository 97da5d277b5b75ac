import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = {
  "@": root,
  // `server-only` throws outside a React Server Components bundle: tests get an empty module.
  "server-only": fileURLToPath(new URL("./test/support/server-only.ts", import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{lib,app,components,cli,scripts,test}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          setupFiles: ["test/support/isolated-data.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{lib,app,components,cli,scripts,test}/**/*.int.test.ts"],
          environment: "node",
          setupFiles: ["test/support/isolated-data.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
