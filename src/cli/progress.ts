/**
 * The progress display: one status line on a terminal (what runs now, how
 * far, time left), redrawn in place; nothing at all when not on a terminal.
 */
import { formatDuration } from '../core/units.js';
import type { PlannedItem, ProgressEvent } from '../measure/suite.js';
import type { PhaseEvent } from '../measure/runner.js';

/** Redraw four times a second: a live clock without flicker. */
const REDRAW_MS = 250;

export class ProgressDisplay {
  private items: PlannedItem[] = [];
  private current: PlannedItem | null = null;
  private phase: PhaseEvent | null = null;
  private idle: { device: string; seconds: number } | null = null;
  private itemStarted = 0;
  private done = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When a budgeted run must end (ms since the epoch), or null. */
  private deadlineMs: number | null = null;

  /** `runStarted`: when the run started, ms since the epoch (its clock, and a budget, count from it). */
  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly runStarted = Date.now(),
  ) {}

  handle = (e: ProgressEvent): void => {
    switch (e.type) {
      case 'plan':
        this.items = e.items;
        this.deadlineMs = e.budget ? this.runStarted + e.budget.estimateSeconds * 1000 : null;
        this.timer = setInterval(() => this.draw(), REDRAW_MS);
        this.timer.unref();
        break;
      case 'idle':
        this.idle = { device: e.device, seconds: e.seconds };
        this.itemStarted = Date.now();
        break;
      case 'start':
        this.idle = null;
        this.current = e.item;
        this.phase = null;
        this.itemStarted = Date.now();
        break;
      case 'phase':
        this.phase = e.event;
        break;
      case 'done':
        this.done++;
        this.current = null;
        break;
    }
    this.draw();
  };

  /** Seconds of planned work not yet done: to the budget plan's end, or by the items' estimates. */
  private remainingSeconds(): number {
    // A budgeted run sets each result's cap from the time left, so it ends where its plan said.
    if (this.deadlineMs !== null) return Math.max(0, (this.deadlineMs - Date.now()) / 1000);
    const inItem = (Date.now() - this.itemStarted) / 1000;
    const rest = this.items.slice(this.done + (this.current ? 1 : 0)).reduce((s, i) => s + i.estimateSeconds, 0);
    const current = this.current ? Math.max(0, this.current.estimateSeconds - inItem) : 0;
    const idle = this.idle ? Math.max(0, this.idle.seconds - inItem) : 0;
    return rest + current + idle;
  }

  /** Most important first, so a narrow terminal cuts the least useful part: "[2/9] 0:41, ~1 m 10 s left · cpu0/gemm/n=1024 · window 3". */
  private line(): string {
    const total = this.items.length;
    const clock = `${formatDuration((Date.now() - this.runStarted) / 1000)}, ~${formatDuration(this.remainingSeconds())} left`;
    if (this.idle) return `[${this.done}/${total}] ${clock} · ${this.idle.device}: idle baseline (${this.idle.seconds} s)`;
    if (!this.current) return `[${this.done}/${total}] ${clock}`;
    const p = this.phase;
    const what = p === null ? 'starting' : p.phase === 'measure' ? `window ${p.window} (≥ ${p.minWindows})` : p.phase;
    return `[${this.done + 1}/${total}] ${clock} · ${this.current.id} · ${what}`;
  }

  private draw(): void {
    const width = this.out.columns ?? 120;
    let text = this.line();
    if (text.length > width - 1) text = `${text.slice(0, width - 2)}…`;
    this.out.write(`\r\x1b[2K${text}`);
  }

  /** Clears the line and stops redrawing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.out.write('\r\x1b[2K');
  }
}
