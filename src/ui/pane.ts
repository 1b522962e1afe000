// A pane on screen: one blessed box whose content is precomputed lines.
// render() skips the work when neither the data nor what the pane depends
// on changed; the lines go to the screen through a LineCanvas, which turns
// only changed lines into cells.

import type { BlessedBox } from './blessed.js';
import { LineCanvas, type BlessedUnicode } from './canvas.js';
import type { Frame, RenderOptions } from './frame.js';
import type { Rect } from './layout.js';

export class Pane {
  private place = '';
  private key = '';
  private readonly canvas: LineCanvas;

  constructor(
    readonly box: BlessedBox,
    /** the lines of the pane for a frame, each exactly rect.width cells */
    private readonly draw: (frame: Frame, rect: Rect) => string[],
    /** everything besides the model's data that the drawing depends on */
    private readonly depends: (frame: Frame, rect: Rect) => string = () => '',
    unicode: BlessedUnicode | null = null,
  ) {
    this.canvas = new LineCanvas(box, unicode);
  }

  hide(): void {
    if (!this.box.hidden) this.box.hide();
  }

  render(frame: Frame, rect: Rect | null, opts: RenderOptions): void {
    if (!rect || rect.width <= 0 || rect.height <= 0) {
      this.hide();
      return;
    }
    const place = `${rect.top},${rect.left},${rect.width},${rect.height}`;
    const key = `${place}|${this.depends(frame, rect)}`;
    if (!opts.force && opts.dataSame && key === this.key && !this.box.hidden) return;
    this.key = key;
    this.move(rect, place);
    this.canvas.set(rect, this.draw(frame, rect));
    if (this.box.hidden) this.box.show();
  }

  /** Sets lines directly (small-terminal message). */
  setLines(rect: Rect, lines: string[]): void {
    this.move(rect, `${rect.top},${rect.left},${rect.width},${rect.height}`);
    this.key = '';
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
