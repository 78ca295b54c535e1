import { screen, waitFor } from "@testing-library/react";
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
    const conc = screen.getByRole("spinbutton", { name: /Most files moved at the same time/ });
    await userEvent.clear(conc);
    await userEvent.type(conc, "6");
    await userEvent.click(save);
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ includeRaw: true, theme: "dark", concurrency: 6 }));
    expect(document.documentElement.getAttribute("data-theme")).toBe("dark");
    expect((await b.getSettings()).includeRaw).toBe(true);
  });

  it("corrects older GoPros' video times only when asked, with its cost said, and the preview follows", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    const box = screen.getByRole("checkbox", { name: /^Correct video times from older GoPros/ });
    expect((box as HTMLInputElement).checked).toBe(false);
    const help = box.closest("label")?.textContent ?? "";
    expect(help).toContain("GoPros before the HERO11");
    expect(help).toContain("no longer matches a copy you may already have");
    await userEvent.click(box);
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ correctVideoTimes: true }));
    const preview = await b.previewRange("2026-01-01", "2026-05-31");
    expect(preview.correctingVideoTimes).toBe(true);
    expect(preview.videoTimesToCorrect).toBeGreaterThan(0);
    expect(preview.videoTimesToCorrect).toBeLessThan(preview.videos);
  });

  it("keeps the computer awake while moving: on by default, explained, toggled and saved", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    const box = screen.getByRole("checkbox", { name: /^Keep this computer awake while moving/ });
    expect((box as HTMLInputElement).checked).toBe(true);
    expect(box.closest("label")?.textContent).toContain(
      "your computer will not go to sleep on its own during a move. The screen can still turn off and lock.",
    );
    const save = screen.getByRole("button", { name: "Save settings" });

    await userEvent.click(box);
    expect((box as HTMLInputElement).checked).toBe(false);
    expect(save).toHaveProperty("disabled", false);
    await userEvent.click(save);
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ keepAwake: false, includeRaw: false }));
    expect((await b.getSettings()).keepAwake).toBe(false);

    // And back on.
    await userEvent.click(box);
    await userEvent.click(save);
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ keepAwake: true }));
    expect((await b.getSettings()).keepAwake).toBe(true);
  });

  it("goes on by itself: on by default, explained, turned off and saved", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    const box = screen.getByRole("checkbox", { name: /^Go on by itself/ });
    expect((box as HTMLInputElement).checked).toBe(true);
    expect(box.closest("label")?.textContent).toMatch(/after being closed in the middle of a move, and when Google's daily limit resets/);
    await userEvent.click(box);
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ resumeByItself: false, keepAwake: true }));
    expect((await b.getSettings()).resumeByItself).toBe(false);
  });

  it("start at login: off by default, explained, turned on and saved", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    const box = screen.getByRole("checkbox", { name: /^Start q2google when I log in/ });
    expect((box as HTMLInputElement).checked).toBe(false);
    expect(box.closest("label")?.textContent).toMatch(/a restart of your computer interrupted goes on/);
    await userEvent.click(box);
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ startAtLogin: true, resumeByItself: true }));
    expect((await b.getSettings()).startAtLogin).toBe(true);
  });

  it("shows the backend's InvalidInput message", async () => {
    const b = mockBackend({ connected: true });
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    const conc = await screen.findByRole("spinbutton", { name: /Most files moved at the same time/ });
    await userEvent.clear(conc);
    await userEvent.type(conc, "80");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Files at once must be a whole number from 1 to 64.");
  });

  it("the Google client secret is write-only: sent only when typed, never shown", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "setSettings");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    await userEvent.click(screen.getByText("Advanced"));
    const secret = screen.getByLabelText(/^Google client secret/);
    expect(secret.getAttribute("type")).toBe("password");
    expect(screen.queryByTestId("secret-saved")).toBeNull();

    // A change elsewhere: no secret is sent.
    await userEvent.click(screen.getByRole("checkbox", { name: /RAW photos/ }));
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ includeRaw: true, googleClientSecret: null }));

    // Typed: sent once, then the field is empty again and says it is saved.
    await userEvent.type(screen.getByLabelText(/^Google client ID/), "123.apps.googleusercontent.com");
    await userEvent.type(secret, "GOCSPX-s3cret");
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ googleClientSecret: "GOCSPX-s3cret" }));
    expect((secret as HTMLInputElement).value).toBe("");
    expect(screen.getByTestId("secret-saved").textContent).toContain("Saved in your keyring");
    expect(document.body.textContent).not.toContain("GOCSPX-s3cret");
    expect((await b.getSettings()).googleClientSecretSaved).toBe(true);

    // Saving again without typing keeps it (null is sent, not an empty string).
    await userEvent.click(screen.getByRole("checkbox", { name: /RAW photos/ }));
    await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
    await screen.findByText("Saved.");
    expect(spy).toHaveBeenLastCalledWith(expect.objectContaining({ googleClientSecret: null }));
    expect(screen.getByTestId("secret-saved")).toBeTruthy();
  });

  it("Accounts: paste a GoPro token instead of the login window", async () => {
    const b = mockBackend({ firstRun: false });
    const spy = vi.spyOn(b, "loginGoproToken");
    await renderApp(b);
    await userEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("heading", { level: 1, name: "Settings" });
    expect(screen.getByText(/gp_access_token/, { selector: "code" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Paste a GoPro token" }));
    await screen.findByRole("heading", { name: "Connect GoPro with a token" });
    await userEvent.type(screen.getByLabelText(/^GoPro token/), "eyJhbGciOi-token");
    await userEvent.click(screen.getByRole("button", { name: "Connect" }));
    await waitFor(() => expect(spy).toHaveBeenCalledWith("eyJhbGciOi-token"));
    expect(await screen.findByRole("button", { name: "Log out of GoPro" })).toBeTruthy();
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
