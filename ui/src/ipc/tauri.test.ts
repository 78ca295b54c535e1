import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { createTauriBackend } from "./tauri";
import { selectBackend } from "./index";

describe("tauri backend", () => {
  afterEach(() => {
    clearMocks();
  });

  it("calls the contract's commands with its argument names", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "export_report") return "/home/me/Downloads/r.csv";
      return null;
    });
    const b = createTauriBackend();
    await b.previewRange("2026-03-01", "2026-03-31");
    await b.startSync("2026-03-01", "2026-03-31");
    await b.resumeSession("s1");
    await b.logout("google");
    await b.loginGoproToken("tok");
    expect(await b.exportReport("s1")).toBe("/home/me/Downloads/r.csv");
    await b.pauseSync();
    await b.openUrl("https://photos.google.com/album/a");
    await b.previewThumbnail("m1042");
    expect(calls.map(([c]) => c)).toEqual([
      "preview_range",
      "start_sync",
      "resume_session",
      "logout",
      "login_gopro_token",
      "export_report",
      "pause_sync",
      "open_url",
      "preview_thumbnail",
    ]);
    expect(calls[0]![1]).toMatchObject({ from: "2026-03-01", to: "2026-03-31" });
    expect(calls[2]![1]).toMatchObject({ id: "s1" });
    expect(calls[3]![1]).toMatchObject({ cloud: "google" });
    expect(calls[4]![1]).toMatchObject({ token: "tok" });
    expect(calls[7]![1]).toEqual({ url: "https://photos.google.com/album/a" });
    expect(calls[8]![1]).toEqual({ mediaId: "m1042" });
  });

  it("passes {code, message} errors through and hides anything else", async () => {
    mockIPC((cmd) => {
      if (cmd === "start_sync") throw { code: "QuotaExceeded", message: "Google's daily limit." };
      throw new Error("ECONNRESET at socket.js:1");
    });
    const b = createTauriBackend();
    await expect(b.startSync("2026-03-01", "2026-03-02")).rejects.toEqual({ code: "QuotaExceeded", message: "Google's daily limit." });
    const err: unknown = await b.appState().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "Internal" });
    expect(JSON.stringify(err)).not.toContain("ECONNRESET");
  });

  it("delivers events to subscribers and stops after unsubscribe", async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    const { emit } = await import("@tauri-apps/api/event");
    const b = createTauriBackend();
    const got: string[] = [];
    const off = b.on("auth://changed", (e) => got.push(e.account.cloud));
    await new Promise((r) => setTimeout(r, 0));
    await emit("auth://changed", { account: { cloud: "gopro", connected: true, label: "x", problem: null } });
    off();
    await emit("auth://changed", { account: { cloud: "google", connected: true, label: "x", problem: null } });
    expect(got).toEqual(["gopro"]);
  });
});

describe("backend selection", () => {
  const win = (search: string, tauri: boolean) =>
    ({ location: { search }, __TAURI_INTERNALS__: tauri ? {} : undefined }) as unknown as Window;
  it("picks Tauri inside the app, the mock in a browser or with ?mock=1", () => {
    expect(selectBackend(win("", true)).kind).toBe("tauri");
    expect(selectBackend(win("", false)).kind).toBe("mock");
    expect(selectBackend(win("?mock=1", true)).kind).toBe("mock");
  });
});
