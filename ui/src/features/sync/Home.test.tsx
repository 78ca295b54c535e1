import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mockBackend, renderApp } from "../../test/render";
import type { Backend } from "../../ipc/backend";

function summary() {
  return screen.getByRole("region", { name: "What these dates hold" });
}

describe("Home: range preview", () => {
  it("shows loading, then the summary for a preset, then the empty state", async () => {
    const b = mockBackend({ connected: true });
    const spy = vi.spyOn(b, "previewRange");
    await renderApp(b);
    expect(screen.getByRole("heading", { level: 1, name: "Choose the dates to move" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Last year" }));
    // The preset fetched [last year] (the test clock is real: "today" is whatever today is).
    await waitFor(() => expect(summary().textContent).toMatch(/Nothing to move on these days/));
    expect(spy).toHaveBeenLastCalledWith(`${new Date().getFullYear() - 1}-01-01`, `${new Date().getFullYear() - 1}-12-31`);
    expect(screen.getByRole("button", { name: "Start moving" })).toHaveProperty("disabled", true);
    expect(screen.getByRole("button", { name: "Last year" }).getAttribute("aria-pressed")).toBe("true");
  });

  it("renders the summary sentence from preview_range", async () => {
    const b: Backend = {
      ...mockBackend({ connected: true }),
      previewRange: (from, to) =>
        Promise.resolve({
          from,
          to,
          photos: 412,
          videos: 86,
          files: 498,
          bytes: 138e9,
          alreadyInGoogle: 9,
          videoTimesToCorrect: 0,
          correctingVideoTimes: false,
          cannotMove: [{ reason: "360° videos", count: 3 }],
          sample: [],
          toMove: 0,
        }),
    };
    await renderApp(b);
    await waitFor(() => expect(summary().textContent).toContain("412 photos and 86 videos, 138 GB"));
    const text = summary().textContent;
    expect(text).toContain("9 are already in Google Photos");
    expect(text).toContain("3 can't be moved: 360° videos");
    expect(screen.queryByTestId("video-times")).toBeNull();
    expect(screen.getByRole("button", { name: "Start moving" })).toHaveProperty("disabled", false);
  });

  it("says how many videos from older GoPros the time correction would fix, and whether it is on", async () => {
    for (const [correcting, said] of [
      [false, "12 videos from older GoPros would show up hours off in Google Photos. “Correct video times” in Settings fixes that."],
      [true, "12 videos from older GoPros will get their times corrected on the way."],
    ] as const) {
      const b: Backend = {
        ...mockBackend({ connected: true }),
        previewRange: (from, to) =>
          Promise.resolve({
            from,
            to,
            photos: 0,
            videos: 30,
            files: 30,
            bytes: 9e9,
            alreadyInGoogle: 0,
            videoTimesToCorrect: 12,
            correctingVideoTimes: correcting,
            cannotMove: [],
            sample: [],
            toMove: 0,
          }),
      };
      const { unmount } = await renderApp(b);
      expect((await screen.findByTestId("video-times")).textContent).toBe(said);
      unmount();
    }
  });

  it("a preview error by code: NotLoggedIn offers Log in", async () => {
    const b: Backend = {
      ...mockBackend({ connected: true }),
      previewRange: () => Promise.reject({ code: "NotLoggedIn", message: "Log in to GoPro to see what's in these dates." }),
    };
    await renderApp(b);
    const alert = await within(summary()).findByRole("alert");
    expect(alert.textContent).toContain("Log in to GoPro to see");
    expect(within(alert).getByRole("button", { name: "Log in" })).toBeTruthy();
  });

  it("a whole-app notice: shown calmly on Home, with demo mode and what to do", async () => {
    const b = mockBackend({ notice: "The session database could not be opened: it is damaged." });
    const openLogs = vi.spyOn(b, "openLogsFolder");
    await renderApp(b);
    const notice = screen.getByRole("region", { name: "q2google is using sample data for now" });
    expect(notice.textContent).toContain("The session database could not be opened: it is damaged.");
    expect(notice.textContent).toMatch(/runs in demo mode/);
    expect(notice.textContent).toMatch(/Quit q2google and open it again/);
    expect(within(notice).queryByRole("alert")).toBeNull();
    expect(screen.getByText("Demo — sample data")).toBeTruthy();
    await userEvent.click(within(notice).getByRole("button", { name: "Open logs folder" }));
    expect(openLogs).toHaveBeenCalled();
  });

  it("no notice when the app is fine", async () => {
    await renderApp(mockBackend({ connected: true }));
    expect(screen.queryByTestId("app-notice")).toBeNull();
  });

  it("Start is blocked with a reason until Google Photos is connected", async () => {
    const b = mockBackend({ firstRun: false });
    await b.loginGopro();
    await renderApp(b);
    expect(screen.getByText(/Connect Google Photos first/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Start moving" })).toHaveProperty("disabled", true);
  });
});
