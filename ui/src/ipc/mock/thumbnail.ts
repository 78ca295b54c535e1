/**
 * The mock's thumbnails: a small landscape per medium (sky and sun over hills for a photo, over
 * the sea for a video), its colours and shapes from a hash of the media id, as a
 * `data:image/svg+xml;base64,…` URL like the real backend's `data:image/jpeg;base64,…`.
 * Deterministic: the same id, the same picture.
 */
import type { ItemKind } from "../types";

/** FNV-1a, 32 bits, with murmur3's finaliser (ids differ in a digit or two). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h) % 360} ${s}% ${l}%)`;

/** Skies: top and bottom colours (day blue, hazy, golden hour, dusk). */
const SKIES: readonly [number, number, number, number, number, number][] = [
  [212, 70, 55, 200, 75, 85],
  [200, 45, 68, 190, 40, 90],
  [28, 85, 62, 45, 95, 82],
  [265, 45, 45, 330, 70, 78],
];

/** The SVG source of a medium's thumbnail (160 × 120). */
export function thumbnailSvg(id: string, kind: ItemKind): string {
  const h = hash(id);
  const bits = (shift: number, size: number) => (h >>> shift) % size;
  const [t1, t2, t3, b1, b2, b3] = SKIES[bits(0, SKIES.length)]!;
  const shade = bits(2, 20) - 10;
  const skyTop = hsl(t1 + shade, t2, t3);
  const skyBottom = hsl(b1 + shade, b2, b3);
  const horizon = 66 + bits(4, 18);
  const sunX = 36 + bits(8, 88);
  // Videos: the sea, its sun low over the horizon; photos: hills under a higher sun.
  const video = kind === "video";
  const sunY = video ? horizon - 4 - bits(15, 10) : 18 + bits(15, 26);
  const sunR = 8 + bits(19, 8);
  const sun = t1 < 100 || t1 > 250 ? hsl(40, 100, 80) : hsl(50, 100, 75);
  let shapes: string;
  if (video) {
    const sea = hsl(200 + bits(23, 30), 55, 32 + bits(27, 12));
    const wave = hsl(195 + bits(23, 30), 50, 58);
    shapes =
      `<rect y="${horizon}" width="160" height="${120 - horizon}" fill="${sea}"/>` +
      `<path d="M0 ${horizon + 12}q20 -4 40 0t40 0t40 0t40 0M-20 ${horizon + 28}q20 -4 40 0t40 0t40 0t40 0t40 0" ` +
      `fill="none" stroke="${wave}" stroke-width="2" stroke-linecap="round" opacity="0.7"/>`;
  } else {
    const land = [
      [110, 38, 38],
      [85, 35, 45],
      [38, 45, 55],
      [20, 25, 38],
    ][bits(23, 4)]!;
    const far = hsl(land[0]! + 10, land[1]! - 15, land[2]! + 16);
    const near = hsl(land[0]!, land[1]!, land[2]!);
    const peak = 10 + bits(25, 110);
    shapes =
      `<path d="M0 ${horizon}L${peak} ${horizon - 30 - bits(29, 8)}L${peak + 44} ${horizon - 4}L160 ${horizon - 20}V120H0Z" fill="${far}"/>` +
      `<path d="M0 ${horizon + 16}Q60 ${horizon - 4} 110 ${horizon + 10}T160 ${horizon + 6}V120H0Z" fill="${near}"/>`;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 120" width="160" height="120">` +
    `<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">` +
    `<stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>` +
    `<rect width="160" height="120" fill="url(#s)"/>` +
    `<circle cx="${sunX}" cy="${sunY}" r="${sunR}" fill="${sun}"/>` +
    shapes +
    `</svg>`
  );
}

/** A medium's thumbnail as a data: URL. */
export function thumbnailDataUrl(id: string, kind: ItemKind): string {
  return `data:image/svg+xml;base64,${btoa(thumbnailSvg(id, kind))}`;
}
