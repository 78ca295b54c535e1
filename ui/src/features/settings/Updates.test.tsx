import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { BAD_SIGNATURE_MESSAGE } from "../../ipc/mock";
import { mockBackend, renderApp } from "../../test/render";
import type { Backend } from "../../ipc/backend";

async function openSettings(b: Backend) {
  await renderApp(b);
  await userEvent.click(screen.getByRole("button", { name: "Settings" }));
  await screen.findByRole("heading", { level: 1, name: "Settings" });
  return screen.getByRole("group", { name: "Updates" });
}

describe("Settings → Updates", () => {
  it("shows the version, and after a check says it is the latest, offering no install", async () => {
    const b = mockBackend({ connected: true });
    const updates = await openSettings(b);
    expect(within(updates).getByTestId("app-version").textContent).toBe("You have q2google 0.1.0.");
    await userEvent.click(within(updates).getByRole("button", { name: "Check for updates" }));
    expect((await within(updates).findByTestId("update-status")).textContent).toBe("This is the latest version.");
    expect(within(updates).queryByRole("button", { name: "Install and restart" })).toBeNull();
  });

  it("a newer version: its notes, and installing pauses the move at a checkpoint before the restart", async () => {
    const b = mockBackend({ connected: true, speed: 2, update: { version: "0.2.0", notes: "Follows GoPro's new login." } });
    const install = vi.spyOn(b, "installUpdate");
    await b.startSync("2026-03-01", "2026-03-31");
    const updates = await openSettings(b);
    await userEvent.click(within(updates).getByRole("button", { name: "Check for updates" }));
    const status = await within(updates).findByTestId("update-status");
    expect(status.textContent).toContain("Version 0.2.0 is available.");
    expect(status.textContent).toContain("A move in progress pauses at a checkpoint");
    expect(within(updates).getByText("Follows GoPro's new login.")).toBeTruthy();

    await userEvent.click(within(updates).getByRole("button", { name: "Install and restart" }));
    expect(install).toHaveBeenCalledTimes(1);
    await within(updates).findByText(/q2google restarts by itself when it is installed/);
    expect(within(updates).getByRole("button", { name: "Installing…" })).toHaveProperty("disabled", true);
    // The running move stopped at a checkpoint, so the restarted app goes on with it.
    await vi.waitFor(async () => expect((await b.listSessions())[0]?.status).toBe("paused"), { timeout: 5000 });
  }, 20000);

  it("a download not signed with q2google's key is refused in words, and nothing changes", async () => {
    const b = mockBackend({ connected: true, speed: 2, update: { version: "0.2.0", badSignature: true } });
    await b.startSync("2026-03-01", "2026-03-31");
    const updates = await openSettings(b);
    await userEvent.click(within(updates).getByRole("button", { name: "Check for updates" }));
    await userEvent.click(await within(updates).findByRole("button", { name: "Install and restart" }));
    expect(await within(updates).findByText(BAD_SIGNATURE_MESSAGE)).toBeTruthy();
    // Still offered, still this version, and the move was never stopped.
    expect(within(updates).getByTestId("app-version").textContent).toBe("You have q2google 0.1.0.");
    expect(within(updates).getByRole("button", { name: "Install and restart" })).toHaveProperty("disabled", false);
    expect((await b.listSessions())[0]?.status).toBe("running");
  }, 20000);
});
