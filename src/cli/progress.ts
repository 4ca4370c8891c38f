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
  /** When the current item (or the idle baseline) last took over, ms since the epoch. */
  private activeSince = 0;
  /** Seconds each item has run so far (an interleaved run returns to an item several times). */
  private readonly spent = new Map<string, number>();
  private readonly finished = new Set<string>();
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
        this.switchTo(null);
        this.idle = { device: e.device, seconds: e.seconds };
        break;
      case 'start':
        this.switchTo(e.item);
        this.phase = null;
        break;
      case 'phase':
        this.phase = e.event;
        break;
      case 'done':
        this.switchTo(null);
        this.finished.add(e.item.id);
        this.done++;
        break;
    }
    this.draw();
  };

  /** Books the time since the last switch to the item that had it, and hands the display to `item` (null: none or idle). */
  private switchTo(item: PlannedItem | null): void {
    const now = Date.now();
    if (this.current) this.spent.set(this.current.id, this.spentOn(this.current));
    this.idle = null;
    this.current = item;
    this.activeSince = now;
  }

  /** Seconds item has run, the current stretch included. */
  private spentOn(item: PlannedItem): number {
    const live = item === this.current ? (Date.now() - this.activeSince) / 1000 : 0;
    return (this.spent.get(item.id) ?? 0) + live;
  }

  /** Seconds of planned work not yet done: to the budget plan's end, or by the items' estimates less what each has run. */
  private remainingSeconds(): number {
    // A budgeted run sets each result's cap from the time left, so it ends where its plan said.
    if (this.deadlineMs !== null) return Math.max(0, (this.deadlineMs - Date.now()) / 1000);
    const items = this.items.filter((i) => !this.finished.has(i.id)).reduce((s, i) => s + Math.max(0, i.estimateSeconds - this.spentOn(i)), 0);
    const idle = this.idle ? Math.max(0, this.idle.seconds - (Date.now() - this.activeSince) / 1000) : 0;
    return items + idle;
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
