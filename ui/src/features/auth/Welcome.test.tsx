import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockBackend, renderApp } from "../../test/render";

describe("Welcome", () => {
  it("two steps, each with its own success state, then Continue", async () => {
    await renderApp(mockBackend());
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/Move your GoPro/);
    await userEvent.click(screen.getByRole("button", { name: "Connect GoPro" }));
    const step1 = (await screen.findByRole("heading", { name: /Connect GoPro — done/ })).closest("li")!;
    expect(within(step1).getByText(/Connected as/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Continue" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Connect Google Photos" }));
    await userEvent.click(await screen.findByRole("button", { name: "Continue" }));
    await screen.findByRole("heading", { level: 1, name: "Choose the dates to move" });
  });

  it("Try the demo goes straight to Home with sample data", async () => {
    await renderApp(mockBackend());
    await userEvent.click(screen.getByRole("button", { name: "Try the demo" }));
    await screen.findByRole("heading", { level: 1, name: "Choose the dates to move" });
    expect(screen.getByText("Demo — sample data")).toBeTruthy();
  });
});
