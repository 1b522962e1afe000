// A pane on screen: one blessed box whose content is precomputed lines.
// render() skips the work when neither the data nor what the pane depends
// on changed, and only touches the box when the text or place changed.

import type { BlessedBox } from './blessed.js';
import type { Frame, RenderOptions } from './frame.js';
import type { Rect } from './layout.js';

export class Pane {
  private content: string | null = null;
  private place = '';
  private key = '';

  constructor(
    readonly box: BlessedBox,
    /** the lines of the pane for a frame, each exactly rect.width cells */
    private readonly draw: (frame: Frame, rect: Rect) => string[],
    /** everything besides the model's data that the drawing depends on */
    private readonly depends: (frame: Frame, rect: Rect) => string = () => '',
  ) {}

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
    if (place !== this.place) {
      this.place = place;
      this.box.top = rect.top;
      this.box.left = rect.left;
      this.box.width = rect.width;
      this.box.height = rect.height;
    }
    const text = this.draw(frame, rect).join('\n');
    if (text !== this.content || opts.force) {
      this.content = text;
      this.box.setContent(text);
    }
    if (this.box.hidden) this.box.show();
  }

  /** Sets text directly (small-terminal message). */
  setLines(rect: Rect, lines: string[]): void {
    this.box.top = rect.top;
    this.box.left = rect.left;
    this.box.width = rect.width;
    this.box.height = rect.height;
    this.place = '';
    this.key = '';
    const text = lines.join('\n');
    if (text !== this.content) {
      this.content = text;
      this.box.setContent(text);
    }
    if (this.box.hidden) this.box.show();
  }
}
