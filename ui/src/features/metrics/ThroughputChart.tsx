import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ThroughputSample } from "../../ipc/types";

function cssVar(el: Element, name: string, fallback: string) {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** Elapsed time as a clock: "0:45", "12:30", "1:05:00". */
export function clock(t: number) {
  const s = Math.max(0, Math.round(t));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Throughput over time (MB/s against time since start), drawn with uPlot on a canvas. */
export default function ThroughputChart({ samples }: { samples: ThroughputSample[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const line = cssVar(el, "--chart-line", "#1a5fb4");
    const fill = cssVar(el, "--chart-fill", "rgba(26,95,180,.12)");
    const grid = cssVar(el, "--chart-grid", "rgba(0,0,0,.08)");
    const text = cssVar(el, "--muted", "#525c68");
    const axis = { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } };
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height: 224,
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { ...axis, space: 70, values: (_u, vals) => vals.map(clock) },
        { ...axis, size: 64, values: (_u, vals) => vals.map((v) => `${Math.round(v)} MB/s`) },
      ],
      series: [{}, { label: "Speed", stroke: line, fill, width: 2, points: { show: false } }],
    };
    const u = new uPlot(opts, [[], []], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(240, el.clientWidth), height: 224 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData([samples.map((s) => s.t), samples.map((s) => s.bps / 1_000_000)]);
  }, [samples]);

  return <div ref={box} className="chart" role="img" aria-label="Chart of transfer speed over time" />;
}
