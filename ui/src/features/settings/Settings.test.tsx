import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mockBackend, renderApp } from "../../test/render";

describe("Settings", () => {
  it("saves changes through set_settings and applies the theme", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    const save = screen.getByRole("button", { name: "Save settings" });
    expect(save).toHaveProperty("disabled", true);
    await userEvent.click(screen.getByRole("checkbox", { name: /RAW photos/ }));
    await userEvent.click(screen.getByRole("radio", { name: "Dark" }));
    const conc = screen.getByRole("spinbutton", { name: /Files moved at the same time/ });
    await userEvent.clear(conc);
    await userEvent.type(conc, "6");
    await userEvent.click(save);
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ includeRaw: true, theme: "dark", concurrency: 6 }));
    expect(document.documentElement.getAttribute("data-theme")).toBe("dark");
    expect((await b.getSettings()).includeRaw).toBe(true);
  });

  it("shows the backend's InvalidInput message", async () => {
    const b = mockBackend({ connected: true });
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    const conc = await screen.findByRole("spinbutton", { name: /Files moved at the same time/ });
    await userEvent.clear(conc);
    await userEvent.type(conc, "12");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Files at once must be a whole number from 1 to 8.");
  });

  it("logs out of a cloud", async () => {
    const b = mockBackend({ connected: true });
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await userEvent.click(await screen.findByRole("button", { name: "Log out of Google Photos" }));
    expect((await screen.findAllByRole("button", { name: "Log in to Google Photos" })).length).toBeGreaterThan(0);
    expect((await b.appState()).google.connected).toBe(false);
  });
});
