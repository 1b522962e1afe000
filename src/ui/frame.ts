// What every pane gets to draw one frame: the model's view, the UI state,
// the derived (sorted, filtered) rows, the palette and history access.

import type { HistoryMetric } from '../model/model.js';
import type { DomainView, ModelView } from '../model/view.js';
import type { Palette } from '../theme/palette.js';
import type { SeriesSource } from './chart.js';
import type { UiState } from './state-types.js';

/** Read access to the model's history (Model satisfies it). */
export interface HistorySource {
  history(key: string): { times: SeriesSource; metrics: Record<HistoryMetric, SeriesSource> } | null;
}

export interface Frame {
  view: ModelView;
  state: UiState;
  /** domains in on-screen order: filtered, then sorted */
  rows: readonly DomainView[];
  palette: Palette;
  history: HistorySource;
  /** wall clock for the header */
  nowMs: number;
  multiHost: boolean;
}

export interface RenderOptions {
  /** draw even if nothing seems to have changed (resize, Ctrl-L) */
  force: boolean;
  /** the model's view is the one drawn last time */
  dataSame: boolean;
}
