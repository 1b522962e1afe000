// What every section gets from the runner.

export interface BenchContext {
  quick: boolean;
  /** progress line on stderr (the table goes to stdout) */
  log(msg: string): void;
  /** extra lab guests (virtop-lab-idle2..) to start for the lab section; null: enough for 6 running */
  labExtra: number | null;
  /** profile the 1000-domain tick with the inspector */
  profile: boolean;
  /** where results and profiles go */
  resultsDir: string;
}
