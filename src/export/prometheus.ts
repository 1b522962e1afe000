// The families of metrics.ts as prom-client metrics in a registry of their
// own (prom-client's global registry stays untouched).
//
// prom-client's Counter cannot be set, only incremented, but virtop already
// has the cumulative value. So each metric gets a collect() hook, which
// prom-client runs on every scrape: it resets the metric (dropping series of
// domains or devices that went away) and adds the value from the last
// snapshot — inc(value) on a reset counter is the value. That keeps
// `# TYPE ... counter` for the _total families, which is what Prometheus
// and promtool expect, and leaves the text format to prom-client.

import { Counter, Gauge, Registry } from 'prom-client';
import type { Snapshot } from '../types/sample.js';
import { ExportState, familyLabels, METRICS, type MetricKey, type Series, type SeriesMap } from './metrics.js';

export class PrometheusExporter {
  readonly registry = new Registry();
  private readonly state: ExportState;
  private current: SeriesMap = new Map();

  /** metadataLabels: name, flavor and project_name on every domain series (--metadata-labels) */
  constructor(opts: { metadataLabels?: boolean } = {}) {
    this.state = new ExportState(opts.metadataLabels ?? false);
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const d = METRICS[key];
      const series = (): Series[] => this.current.get(key) ?? [];
      const common = { name: d.name, help: d.help, labelNames: familyLabels(d, opts.metadataLabels ?? false), registers: [this.registry] };
      // Each scrape rebuilds the metric from the latest series (a counter
      // gets its cumulative value back through inc() after reset()).
      if (d.type === 'counter') {
        new Counter({
          ...common,
          collect() {
            this.reset();
            for (const s of series()) this.inc(s.labels, s.value);
          },
        });
      } else {
        new Gauge({
          ...common,
          collect() {
            this.reset();
            for (const s of series()) this.set(s.labels, s.value);
          },
        });
      }
    }
  }

  /** Takes the collector's latest snapshot (the only input: a scrape reads from here). */
  update(snap: Snapshot): void {
    this.state.update(snap);
  }

  get hasData(): boolean {
    return this.state.snapshot !== null;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of the last snapshot. */
  async render(): Promise<string> {
    const t0 = performance.now();
    const series = this.state.series();
    series.set('scrape', [{ labels: {}, value: (performance.now() - t0) / 1000 }]);
    this.current = series;
    return this.registry.metrics();
  }
}
