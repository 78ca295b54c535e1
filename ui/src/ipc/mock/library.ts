/**
 * The mock's fake GoPro library: deterministic (seeded) media captured between 2026-01-01 and
 * 2026-05-31, with quiet weeks and busy trip days, photos of a few MB, videos up to several GB,
 * a few 360° videos (cannot be moved), RAW photos and joined videos (opt-in), and some items
 * that are already in Google Photos.
 */
import { addDays, inRange, type Day, type DayRange } from "../../features/sync/range";
import type { ItemKind } from "../types";

export type FakeMedia = {
  id: string;
  filename: string;
  kind: ItemKind;
  /** raw and joined are opt-in; 360 cannot be moved. */
  variant: "plain" | "raw" | "joined" | "360";
  size: number;
  day: Day;
  capturedAt: string;
  alreadyInGoogle: boolean;
  /** Fails on its first attempt (a flaky CDN download), succeeds on resume. */
  flaky: boolean;
};

/**
 * A video shot on a GoPro before the HERO11 in a known time zone (every third video): its
 * header times are local, and the "correct video times" setting would fix them.
 */
export function fromOlderGoPro(m: FakeMedia): boolean {
  return m.kind === "video" && m.variant !== "360" && Number(m.id.slice(1)) % 3 === 0;
}

export const LIBRARY_FROM: Day = "2026-01-01";
export const LIBRARY_TO: Day = "2026-05-31";

/** mulberry32: small, fast, good enough for fake data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MB = 1_000_000;

export function buildLibrary(seed = 7): FakeMedia[] {
  const rand = prng(seed);
  const out: FakeMedia[] = [];
  let counter = 1000;
  for (let day = LIBRARY_FROM; day <= LIBRARY_TO; day = addDays(day, 1)) {
    const r = rand();
    // Most days nothing; weekends and trips bring bursts of shooting.
    const n = r < 0.55 ? 0 : r < 0.85 ? 1 + Math.floor(rand() * 4) : 8 + Math.floor(rand() * 22);
    for (let i = 0; i < n; i++) {
      counter++;
      const hour = 8 + Math.floor(rand() * 11);
      const minute = Math.floor(rand() * 60);
      const capturedAt = `${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00Z`;
      const k = rand();
      let m: Omit<FakeMedia, "id" | "day" | "capturedAt" | "alreadyInGoogle" | "flaky">;
      if (k < 0.66) {
        m = { filename: `GOPR${counter}.JPG`, kind: "photo", variant: "plain", size: Math.round((2.5 + rand() * 4) * MB) };
      } else if (k < 0.7) {
        m = { filename: `GOPR${counter}.GPR`, kind: "photo", variant: "raw", size: Math.round((22 + rand() * 6) * MB) };
      } else if (k < 0.955) {
        const long = rand() < 0.2;
        const size = long ? (1500 + rand() * 2500) * MB : (60 + rand() * 700) * MB;
        m = { filename: `GX01${counter}.MP4`, kind: "video", variant: "plain", size: Math.round(size) };
      } else if (k < 0.975) {
        m = { filename: `GX${counter}_full.MP4`, kind: "video", variant: "joined", size: Math.round((3000 + rand() * 3000) * MB) };
      } else {
        m = { filename: `GS01${counter}.360`, kind: "video", variant: "360", size: Math.round((400 + rand() * 1600) * MB) };
      }
      out.push({
        ...m,
        id: `m${counter}`,
        day,
        capturedAt,
        alreadyInGoogle: m.variant === "plain" && rand() < 0.025,
        flaky: m.variant === "plain" && rand() < 0.006,
      });
    }
  }
  return out;
}

export type Inclusion = { includeRaw: boolean; includeJoinedVideo: boolean };

/** The media a session over `range` considers (opt-in variants filtered by the settings). */
export function mediaInRange(lib: readonly FakeMedia[], range: DayRange, inc: Inclusion): FakeMedia[] {
  return lib.filter(
    (m) =>
      inRange(m.day, range) &&
      (m.variant !== "raw" || inc.includeRaw) &&
      (m.variant !== "joined" || inc.includeJoinedVideo),
  );
}

export const CANNOT_MOVE_360 = "360° videos";
export const SKIP_360 = "360° video: Google Photos can't play these, so it stays in your GoPro cloud.";
export const SKIP_ALREADY = "Already in Google Photos.";
export const FAIL_FLAKY = "GoPro didn't send the whole file, after three tries. Resume later to try again.";
