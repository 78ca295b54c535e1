import { act, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { mockBackend, renderApp } from "../../test/render";
import type { Backend } from "../../ipc/backend";
import type { PreviewItem, RangePreview } from "../../ipc/types";

/** `n` items, newest first: every third a video. */
function sample(n: number): PreviewItem[] {
  return Array.from({ length: n }, (_, i) => {
    const video = i % 3 === 2;
    const num = String(110 + i).padStart(4, "0");
    return {
      id: `m${i}`,
      kind: video ? "video" : "photo",
      filename: video ? `GX01${num}.MP4` : `GOPR${num}.JPG`,
      capturedAt: `2026-03-${String(28 - (i % 28)).padStart(2, "0")}T10:00:00Z`,
    };
  });
}

function preview(items: PreviewItem[], files = items.length): RangePreview {
  const videos = items.filter((m) => m.kind === "video").length;
  return {
    from: "2026-03-01",
    to: "2026-03-31",
    photos: files - videos,
    videos,
    files,
    bytes: 9e9,
    alreadyInGoogle: 0,
    videoTimesToCorrect: 0,
    correctingVideoTimes: false,
    cannotMove: [],
    sample: items,
    toMove: files,
  };
}

const url = (id: string) => `data:image/png;base64,${btoa(id)}`;

function backend(p: RangePreview, thumb: (id: string) => Promise<string> = (id) => Promise.resolve(url(id))): Backend {
  return { ...mockBackend({ connected: true }), previewRange: () => Promise.resolve(p), previewThumbnail: thumb };
}

function grid() {
  return screen.getByRole("list", { name: "Photos and videos in these dates" });
}

/** A promise per call, settled by the test. */
function manualThumbnails() {
  const pending = new Map<string, { resolve: (url: string) => void; reject: (e: unknown) => void }>();
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const thumb = (id: string) =>
    new Promise<string>((resolve, reject) => {
      calls.push(id);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => {
        inFlight--;
        pending.delete(id);
      };
      pending.set(id, {
        resolve: (u) => (done(), resolve(u)),
        reject: (e) => (done(), reject(e)),
      });
    });
  return {
    thumb,
    calls,
    pending,
    get maxInFlight() {
      return maxInFlight;
    },
    async resolve(id: string) {
      await act(async () => {
        pending.get(id)!.resolve(url(id));
        await Promise.resolve();
      });
    },
  };
}

/** An IntersectionObserver the test drives: `show(el)` scrolls a tile near the view. */
class FakeObserver {
  static all: FakeObserver[] = [];
  readonly targets: Element[] = [];
  constructor(
    readonly cb: IntersectionObserverCallback,
    readonly options: IntersectionObserverInit = {},
  ) {
    FakeObserver.all.push(this);
  }
  observe(el: Element) {
    this.targets.push(el);
  }
  unobserve() {}
  disconnect() {
    this.targets.length = 0;
  }
  takeRecords() {
    return [];
  }
  static set(el: Element, isIntersecting: boolean) {
    for (const o of FakeObserver.all) {
      if (!o.targets.includes(el)) continue;
      const entry = { target: el, isIntersecting } as IntersectionObserverEntry;
      act(() => o.cb([entry], o as unknown as IntersectionObserver));
    }
  }
}

describe("Home: the preview's thumbnail grid", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    FakeObserver.all = [];
  });

  it("shows a tile per sampled item with its name and kind, the counts per kind, and how many more", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const items = sample(3);
    await renderApp(backend(preview(items, 1237)));
    const list = await waitFor(grid);
    expect(screen.getByText("What will move")).toBeTruthy();
    expect(screen.getByText("1,237 files")).toBeTruthy();
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    for (const name of ["GOPR0110.JPG, photo", "GOPR0111.JPG, photo", "GX010112.MP4, video"]) {
      expect(await within(list).findByRole("img", { name })).toBeTruthy();
    }
    expect(within(list).getAllByRole("listitem").map((li) => li.getAttribute("title"))).toEqual([
      "GOPR0110.JPG",
      "GOPR0111.JPG",
      "GX010112.MP4",
    ]);
    expect(screen.getByText("…and 1,234 more")).toBeTruthy();
  });

  it("no “more” line when the sample is everything, and no grid for an empty sample", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const { unmount } = await renderApp(backend(preview(sample(4))));
    await waitFor(grid);
    expect(screen.queryByText(/…and .* more/)).toBeNull();
    unmount();
    await renderApp(backend(preview([], 12)));
    await screen.findByTestId("summary-headline");
    expect(screen.queryByTestId("preview-grid")).toBeNull();
  });

  it("asks previewThumbnail for each tile by id, and shows the data URL it answers", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const b = backend(preview(sample(4)));
    const spy = vi.spyOn(b, "previewThumbnail");
    await renderApp(b);
    await waitFor(() => expect(grid().querySelectorAll("img")).toHaveLength(4));
    expect(spy.mock.calls.map(([id]) => id).sort()).toEqual(["m0", "m1", "m2", "m3"]);
    const img = within(grid()).getByRole("img", { name: "GX010112.MP4, video" });
    expect(img.tagName).toBe("IMG");
    expect(img.getAttribute("src")).toBe(url("m2"));
  });

  it("a thumbnail that fails shows a placeholder, and no alert", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const b = backend(preview(sample(3)), (id) =>
      id === "m1" ? Promise.reject({ code: "Network", message: "GoPro is not answering." }) : Promise.resolve(url(id)),
    );
    await renderApp(b);
    const placeholder = await within(await waitFor(grid)).findByTestId("thumbnail-placeholder");
    expect(placeholder.getAttribute("aria-label")).toBe("GOPR0111.JPG, photo");
    await waitFor(() => expect(grid().querySelectorAll("img")).toHaveLength(2));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.queryByText(/not answering/)).toBeNull();
  });

  it("anything but an image data URL is not shown", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    await renderApp(backend(preview(sample(1)), () => Promise.resolve("https://example.com/x.jpg")));
    await within(await waitFor(grid)).findByTestId("thumbnail-placeholder");
    expect(grid().querySelector("img")).toBeNull();
  });

  it("asks at most 6 at once, the rest as earlier ones arrive", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const m = manualThumbnails();
    await renderApp(backend(preview(sample(20)), m.thumb));
    await waitFor(() => expect(m.calls).toHaveLength(6));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(m.calls).toHaveLength(6);
    await m.resolve("m0");
    await m.resolve("m3");
    await waitFor(() => expect(m.calls).toHaveLength(8));
    while (m.pending.size > 0) await m.resolve([...m.pending.keys()][0]!);
    expect(m.calls).toHaveLength(20);
    expect(new Set(m.calls).size).toBe(20);
    expect(m.maxInFlight).toBe(6);
    await waitFor(() => expect(grid().querySelectorAll("img")).toHaveLength(20));
  });

  it("lazy: a tile is asked for only once it comes near the view, and only once", async () => {
    vi.stubGlobal("IntersectionObserver", FakeObserver);
    const b = backend(preview(sample(10)));
    const spy = vi.spyOn(b, "previewThumbnail");
    await renderApp(b);
    const tiles = within(await waitFor(grid)).getAllByRole("listitem");
    await waitFor(() => expect(FakeObserver.all.length).toBeGreaterThanOrEqual(10));
    expect(FakeObserver.all.every((o) => o.options.rootMargin === "200px" && o.options.root === grid())).toBe(true);
    expect(spy).not.toHaveBeenCalled();
    expect(tiles[0]!.querySelector(".skeleton")).not.toBeNull();
    FakeObserver.set(tiles[0]!, true);
    FakeObserver.set(tiles[1]!, true);
    await waitFor(() => expect(grid().querySelectorAll("img")).toHaveLength(2));
    expect(spy.mock.calls.map(([id]) => id)).toEqual(["m0", "m1"]);
    // Scrolled away and back: not asked again.
    FakeObserver.set(tiles[0]!, false);
    FakeObserver.set(tiles[0]!, true);
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(tiles[0]!.querySelector("img")?.getAttribute("src")).toBe(url("m0"));
  });

  it("a tile that scrolls away before its turn gives its place up", async () => {
    vi.stubGlobal("IntersectionObserver", FakeObserver);
    const m = manualThumbnails();
    await renderApp(backend(preview(sample(10)), m.thumb));
    const tiles = within(await waitFor(grid)).getAllByRole("listitem");
    await waitFor(() => expect(FakeObserver.all.length).toBeGreaterThanOrEqual(10));
    for (const t of tiles.slice(0, 8)) FakeObserver.set(t, true);
    await waitFor(() => expect(m.calls).toHaveLength(6));
    FakeObserver.set(tiles[6]!, false); // still waiting: dropped
    await m.resolve("m0");
    await waitFor(() => expect(m.calls).toHaveLength(7));
    expect(m.calls.at(-1)).toBe("m7");
  });

  it("after the grid goes away nothing more is asked, and late answers change nothing", async () => {
    vi.stubGlobal("IntersectionObserver", undefined);
    const errors = vi.spyOn(console, "error");
    const m = manualThumbnails();
    const { unmount } = await renderApp(backend(preview(sample(20)), m.thumb));
    await waitFor(() => expect(m.calls).toHaveLength(6));
    unmount();
    while (m.pending.size > 0) await m.resolve([...m.pending.keys()][0]!);
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(m.calls).toHaveLength(6);
    expect(errors).not.toHaveBeenCalled();
  });
});
