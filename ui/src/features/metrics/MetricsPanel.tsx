import { lazy, Suspense } from "react";
import { Spinner } from "../../components/Spinner";
import type { Metrics } from "../../ipc/types";
import { formatBytes, formatElapsed, formatSpeed } from "../../lib/format";

const ThroughputChart = lazy(() => import("./ThroughputChart"));

/** The numbers behind the chart, in words first (the chart is for those who want it). */
export function MetricsPanel({ metrics }: { metrics: Metrics | null }) {
  if (!metrics) return <p className="muted">Speed details appear once files start moving.</p>;
  const avg = metrics.secondsTransferWall > 0 ? metrics.bytesUploaded / metrics.secondsTransferWall : 0;
  return (
    <div>
      <ul className="chart-facts">
        <li>
          Now: <strong>{formatSpeed(metrics.throughputBps)}</strong>
        </li>
        <li>
          Average: <strong>{formatSpeed(avg)}</strong>
        </li>
        <li>
          Downloaded from GoPro: <strong>{formatBytes(metrics.bytesDownloaded)}</strong>
        </li>
        <li>
          Sent to Google: <strong>{formatBytes(metrics.bytesUploaded)}</strong>
        </li>
        <li>
          Time moving: <strong>{formatElapsed(metrics.secondsTransferWall)}</strong>
        </li>
      </ul>
      <Suspense fallback={<Spinner label="Drawing the chart…" />}>
        <ThroughputChart samples={metrics.samples} />
      </Suspense>
    </div>
  );
}
