// A pane on screen: one blessed box whose content is precomputed lines.
// render() skips the work when neither the model's view, the UI state, the
// pane's place nor the extra inputs it declares changed; the lines go to the
// screen through a LineCanvas, which turns only changed lines into cells.

import type { BlessedBox } from './blessed.js';
import { LineCanvas, type BlessedUnicode } from './canvas.js';
import type { Frame, RenderOptions } from './frame.js';
import type { Rect } from './layout.js';

export class Pane {
  private place = '';
  private state: Frame['state'] | null = null;
  private inputs: readonly unknown[] = [];
  private readonly canvas: LineCanvas;

  constructor(
    readonly box: BlessedBox,
    /** the lines of the pane for a frame, each exactly rect.width cells */
    private readonly draw: (frame: Frame, rect: Rect) => string[],
    /**
     * What the drawing depends on besides the model's view and the UI state
     * (both always count: the state is immutable, so any change to it is a
     * new object): the clock's second for a pane that shows the time, the
     * length of an outside log. Compared value by value.
     */
    private readonly extraInputs: (frame: Frame) => readonly unknown[] = () => [],
    unicode: BlessedUnicode | null = null,
  ) {
    this.canvas = new LineCanvas(box, unicode);
  }

  hide(): void {
    if (!this.box.hidden) this.box.hide();
  }

  /** Whether drawing `frame` at `place` could give other lines than last time. */
  private needsRedraw(frame: Frame, place: string, inputs: readonly unknown[], opts: RenderOptions): boolean {
    if (opts.force || !opts.dataSame || this.box.hidden) return true;
    if (place !== this.place || frame.state !== this.state) return true;
    return inputs.length !== this.inputs.length || inputs.some((v, i) => !Object.is(v, this.inputs[i]));
  }

  render(frame: Frame, rect: Rect | null, opts: RenderOptions): void {
    if (!rect || rect.width <= 0 || rect.height <= 0) {
      this.hide();
      return;
    }
    const place = `${rect.top},${rect.left},${rect.width},${rect.height}`;
    const inputs = this.extraInputs(frame);
    if (!this.needsRedraw(frame, place, inputs, opts)) return;
    this.state = frame.state;
    this.inputs = inputs;
    this.move(rect, place);
    this.canvas.set(rect, this.draw(frame, rect));
    if (this.box.hidden) this.box.show();
  }

  /** Sets lines directly (small-terminal message). */
  setLines(rect: Rect, lines: string[]): void {
    this.move(rect, `${rect.top},${rect.left},${rect.width},${rect.height}`);
    this.state = null;
    this.canvas.set(rect, lines);
    if (this.box.hidden) this.box.show();
  }

  // blessed clears the old place when a box moves or hides; the canvas then redraws what is under it.
  private move(rect: Rect, place: string): void {
    if (place === this.place) return;
    this.place = place;
    this.box.top = rect.top;
    this.box.left = rect.left;
    this.box.width = rect.width;
    this.box.height = rect.height;
  }
}
