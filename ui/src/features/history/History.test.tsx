import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockBackend, renderApp } from "../../test/render";

describe("History", () => {
  it("empty state when there are no sessions", async () => {
    await renderApp(mockBackend({ connected: true }));
    await userEvent.click(screen.getByRole("button", { name: "History" }));
    expect(await screen.findByRole("heading", { name: "No sessions yet" })).toBeTruthy();
  });

  it("lists sessions; Resume on the unfinished one is one click and opens its progress", async () => {
    await renderApp(mockBackend({ demo: true }));
    await userEvent.click(screen.getByRole("button", { name: "History" }));
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.textContent).toContain("Paused");
    expect(rows[2]!.textContent).toContain("Done");
    // Each row says which Google account it moved into.
    expect(within(table).getAllByTestId("history-account").map((e) => e.textContent)).toEqual(Array(3).fill("into you@example.com"));
    // Only the paused one can be resumed.
    expect(within(table).getAllByRole("button", { name: /^Resume/ })).toHaveLength(1);
    await userEvent.click(within(rows[0]!).getByRole("button", { name: /^Resume/ }));
    await screen.findByRole("heading", { level: 1, name: "Moving February 2026" });
    await waitFor(() => expect(screen.getByRole("button", { name: /Pause/ })).toBeTruthy());
  });

  it("a row opens its details", async () => {
    await renderApp(mockBackend({ demo: true }));
    await userEvent.click(screen.getByRole("button", { name: "History" }));
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    await userEvent.click(within(rows.at(-1)!).getByRole("button", { name: /open details/ }));
    await screen.findByRole("heading", { level: 1, name: /January/ });
    expect(await screen.findByRole("heading", { name: "All done" })).toBeTruthy();
  });
});
