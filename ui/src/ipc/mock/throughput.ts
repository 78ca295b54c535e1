/**
 * A realistic throughput curve for the mock: a ramp-up as connections warm, slow swells, a
 * faster wobble, one dip (a congested stretch), a little noise, and the bandwidth cap on top.
 * Shapes are relative to the expected session length, so the curve looks the same whether the
 * mock runs in real time or sped up.
 */
export const BASE_BPS = 30_000_000; // ~240 Mbit/s: a good home connection to the CDN and Google

export function throughputAt(t: number, expectedSecs: number, capBps: number | null, noise: number): number {
  const T = Math.max(expectedSecs, 1);
  const ramp = 1 - Math.exp(-t / (T / 25));
  const swell = 1 + 0.16 * Math.sin((2 * Math.PI * t) / (T / 2.5));
  const wobble = 1 + 0.07 * Math.sin((2 * Math.PI * t) / (T / 13));
  const frac = (t / T) % 1;
  const dip = frac > 0.55 && frac < 0.61 ? 0.45 : 1;
  const jitter = 1 + (noise - 0.5) * 0.1;
  const bps = BASE_BPS * Math.max(ramp, 0.04) * swell * wobble * dip * jitter;
  return capBps === null ? bps : Math.min(bps, capBps * jitter);
}
