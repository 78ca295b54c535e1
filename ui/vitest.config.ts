import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config";

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: "happy-dom",
      include: ["src/**/*.test.{ts,tsx}"],
      setupFiles: ["src/test/setup.ts"],
      // A zone west of UTC with DST by default, so a date built with toISOString() from a local
      // midnight would show up as the previous day in any test. range.test.ts switches zones.
      env: { TZ: "America/New_York" },
      pool: "forks",
      restoreMocks: true,
    },
  }),
);
