// What a run of virtop is asked to do: the command line, validated
// (src/cli/args.ts builds it). The app's modes read it; they never look at
// argv themselves.

import type { ListenAddress } from '../export/address.js';
import type { SortKey } from '../model/sort.js';
import type { RecordingCap } from '../record/rotating.js';
import type { VirtTopCsvFlags } from '../output/virt-top.js';

/** The screen's first view (virt-top's -1, -2, -3). */
export type StartView = 'domains' | 'cpus' | 'nics' | 'disks';

/** What only the virt-top compatible mode writes (src/cli/virt-top.ts). */
export interface VirtTopMode {
  /** --csv FILE in virt-top's layout */
  csv: { path: string; flags: VirtTopCsvFlags } | null;
  /** --stream: virt-top's text block per refresh on stdout */
  stream: boolean;
  /** --script: no display at all, only the CSV and the stream */
  script: boolean;
  blockInBytes: boolean;
  /** --end-time: stop at this wall time (ms since the epoch) */
  endTimeMs: number | null;
}

export interface Options {
  connect: string[];
  delaySec: number;
  iterations: number | null;
  batch: boolean;
  csv: string | null;
  json: boolean;
  demo: boolean;
  readonly: boolean;
  sort: SortKey;
  reverse: boolean;
  historySize: number;
  /** --theme: a built-in theme name or a path; null when not given */
  theme: string | null;
  /** --prometheus: serve /metrics here instead of showing anything; null when not given */
  prometheus: ListenAddress | null;
  /** --web.config.file: TLS and basic auth for the exporter (exporter-toolkit's format); null when not given */
  webConfigFile: string | null;
  /** --metadata-labels: name, flavor and project_name on every domain series of the exporter */
  metadataLabels: boolean;
  /** --record FILE: write every snapshot to this gzip NDJSON file */
  record: string | null;
  /** --record-max-size / --record-max-age / --record-keep: when the recording starts a new file; null: never */
  recordCap: RecordingCap | null;
  /** --replay FILE: play this recording instead of watching hosts */
  replay: string | null;
  /** the screen's first view; absent: the domain table */
  initialView?: StartView;
  /** the virt-top compatible mode's own outputs; absent: not in that mode */
  virtTop?: VirtTopMode | null;
  /** options typed on the command line (they win over the config file) */
  explicit: { delay: boolean; sort: boolean; reverse: boolean };
}
