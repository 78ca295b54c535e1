import { render, screen } from "@testing-library/react";
import { AppProvider } from "../app/AppContext";
import { App } from "../app/App";
import type { Backend } from "../ipc/backend";
import { createMockBackend, type MockOptions } from "../ipc/mock";

export function mockBackend(opts: MockOptions = {}): Backend {
  return createMockBackend({ latencyMs: 0, tickMs: 20, speed: 50, ...opts });
}

/** The whole app over a backend; resolves once the first screen's heading is there. */
export async function renderApp(backend: Backend) {
  const utils = render(
    <AppProvider backend={backend}>
      <App />
    </AppProvider>,
  );
  await screen.findByRole("heading", { level: 1 });
  return utils;
}
