/**
 * The run's list of results before anything is measured: every planned
 * parameter set on every opened device, with its time estimate, and — for a
 * run with a time budget — the budget plan's choice among them
 * (budget.ts), its procedure preset and the results it leaves out.
 */
import type { DeviceSession } from '../backends/backend.js';
import type { AnyProbe, Params, PresetId } from '../core/probe.js';
import { planBudget, type BudgetCandidate, type BudgetPlan, type BudgetSettings } from './budget.js';
import { estimateCost } from './cost.js';
import { PRESETS, type MeasurePreset } from './presets.js';
import { emptyResult } from './runner.js';

/** A result the run will measure, as the progress display and the plan printout see it. */
export interface PlannedItem {
  index: number;
  id: string;
  device: string;
  /** Expected seconds for the whole result (fixed costs and measuring). */
  estimateSeconds: number;
}

/** A result to measure: where, what, and its estimates. */
export interface SuiteItem {
  session: DeviceSession;
  probe: AnyProbe;
  params: Params;
  id: string;
  /** Estimated seconds before measuring (inputs, reference, prepare, verify, warm-up). */
  fixedSeconds: number;
  /** Estimated seconds of one iteration. */
  iterationSeconds: number;
  planned: PlannedItem;
}

/** What the budget decided, for the plan printout and the report. */
export interface BudgetOutcome {
  budgetSeconds: number;
  /** The preset whose sizes and procedure the plan uses. */
  preset: PresetId;
  /** Expected length of the run, seconds. */
  estimateSeconds: number;
  /** Measuring seconds each result is expected to get. */
  measureSeconds: number;
  leftOut: Array<{ id: string; reason: string }>;
}

/** Seconds the report takes to build and write at the end (reserved out of the budget). */
export const REPORT_SECONDS = 2;

/**
 * Seconds of measuring a preset's procedure needs at least: its first stage of blocks, each window with its
 * average gap, and a fresh setup before every block but the first (pause, warm-up, ~0.1 s to prepare).
 */
export function minMeasureSeconds(preset: MeasurePreset, windowSeconds: number): number {
  const b = preset.blocks;
  return b.min * b.windows * (windowSeconds + preset.window.gapMaxSeconds / 2) + (b.min - 1) * (b.pauseSeconds + b.warmupSeconds + 0.1);
}

/** Every planned parameter set on every session, in run order, with its estimates (measuring at the preset's minimum). */
export function buildItems(
  sessions: readonly DeviceSession[],
  planFor: (backend: string) => Array<{ probe: AnyProbe; params: Params }>,
  preset: MeasurePreset,
  windowSecondsOf: (device: string) => number,
): SuiteItem[] {
  const items = sessions.flatMap((session) =>
    planFor(session.device.backend).map((p) => {
      const cost = estimateCost(p.probe, p.params, session.device, preset.warmup.minSeconds);
      return { session, ...p, id: emptyResult(p.probe, p.params, session).id, fixedSeconds: cost.fixedSeconds, iterationSeconds: cost.iterationSeconds };
    }),
  );
  return items.map((x, index) => {
    const measure = Math.max(minMeasureSeconds(preset, windowSecondsOf(x.session.device.id)), 2 * x.iterationSeconds);
    return { ...x, planned: { index, id: x.id, device: x.session.device.id, estimateSeconds: x.fixedSeconds + measure } };
  });
}

export interface BudgetRequest {
  budgetSeconds: number;
  /** Seconds already spent by the run (start-up, discovery, opening devices) when the plan is made. */
  elapsedSeconds: number;
  /** Seconds of idle baselines still to come. */
  idleSeconds: number;
}

/**
 * The budget settings for one preset's procedure: what a result needs at least; no most, since the budget's share
 * is the cap (a budgeted run measures more blocks rather than ending early: BUDGET_MAX_BLOCKS).
 */
function settingsFor(preset: MeasurePreset, windowSeconds: number, req: BudgetRequest): BudgetSettings {
  return {
    budgetSeconds: req.budgetSeconds,
    overheadSeconds: req.elapsedSeconds + req.idleSeconds + REPORT_SECONDS,
    minMeasureSeconds: minMeasureSeconds(preset, windowSeconds),
    maxMeasureSeconds: Infinity,
    // One iteration in each window of the first stage at least.
    minIterations: preset.blocks.min * preset.blocks.windows,
  };
}

/** The items of one preset's sizes, with their estimates. */
export type ItemsFor = (preset: MeasurePreset) => SuiteItem[];

interface PresetPlan {
  preset: MeasurePreset;
  plan: BudgetPlan;
  items: SuiteItem[];
}

function planWith(preset: MeasurePreset, itemsFor: ItemsFor, windowSeconds: number, req: BudgetRequest): PresetPlan {
  const items = itemsFor(preset);
  const candidates: BudgetCandidate[] = items.map((i) => ({ id: i.id, device: i.planned.device, family: i.probe.id, fixedSeconds: i.fixedSeconds, iterationSeconds: i.iterationSeconds }));
  return { preset, items, plan: planBudget(candidates, settingsFor(preset, windowSeconds, req)) };
}

const families = (p: BudgetPlan): number => new Set(p.selected.map((c) => `${c.device}\u0000${c.family}`)).size;

/** Presets from the most thorough down: a budget takes the first whose procedure it can afford. */
const THOROUGHNESS: readonly PresetId[] = ['full', 'standard', 'quick'];

/**
 * The budget plan. Unless the user named a preset (`fixed`), the most thorough preset whose sizes fit the devices
 * (`fits`) and whose procedure the budget affords — each result's share at least the procedure's first stage, and
 * as many probe families covered as with `quick` — else `quick`. Returns the items to measure (estimates set to the plan's), all the
 * preset's items (whose sizes must fit, planned or not), the preset, and what was decided.
 */
export function planToBudget(
  itemsFor: ItemsFor,
  windowSeconds: (preset: MeasurePreset) => number,
  req: BudgetRequest,
  fits: (item: SuiteItem) => boolean,
  fixed?: PresetId,
): { all: SuiteItem[]; items: SuiteItem[]; budget: BudgetOutcome; preset: MeasurePreset } {
  const planOf = (id: PresetId): PresetPlan => planWith(PRESETS[id], itemsFor, windowSeconds(PRESETS[id]), req);
  const quick = planOf(fixed ?? 'quick');
  const affordable = (p: PresetPlan): boolean =>
    families(p.plan) >= families(quick.plan) && p.plan.shareSeconds >= minMeasureSeconds(p.preset, windowSeconds(p.preset)) && p.items.every(fits);
  const chosen = fixed ? quick : THOROUGHNESS.slice(0, -1).map(planOf).find(affordable) ?? quick;
  const { plan, items } = chosen;
  const ids = new Set(plan.selected.map((c) => c.id));
  return {
    preset: chosen.preset,
    all: items,
    items: items.filter((i) => ids.has(i.id)).map((i, index) => ({ ...i, planned: { ...i.planned, index, estimateSeconds: i.fixedSeconds + plan.measureSeconds } })),
    budget: {
      budgetSeconds: req.budgetSeconds,
      preset: chosen.preset.id,
      estimateSeconds: plan.estimateSeconds,
      measureSeconds: plan.measureSeconds,
      leftOut: plan.leftOut.map((l) => ({ id: l.candidate.id, reason: l.reason })),
    },
  };
}
