/**
 * The planner's inputs as the user typed them (text, as the inputs hold it), kept for the page's lifetime so that
 * leaving the planner for the queue and coming back keeps the budget and weights.
 */
import { reactive } from 'vue';
import { DEFAULT_FIXED_DSC, DEFAULT_MINUTES_PER_LABEL, type PlanOptions } from '../../../shared/plan/planner';

export interface PlanSettings {
  mode: 'labels' | 'minutes';
  labels: string;
  minutes: string;
  minutesPerLabel: string;
  fixedDsc: string;
  holdDecided: boolean;
  /** Organ → weight as typed; blank means 1. */
  weights: Record<string, string>;
  assignee: string;
}

const settings = reactive<PlanSettings>({
  mode: 'labels',
  labels: '20',
  minutes: '60',
  minutesPerLabel: String(DEFAULT_MINUTES_PER_LABEL),
  fixedDsc: String(DEFAULT_FIXED_DSC),
  holdDecided: true,
  weights: {},
  assignee: '',
});

export function usePlanSettings(): PlanSettings {
  return settings;
}

/** Text to number; blank is NaN so the planner names the field instead of reading it as 0. */
const num = (t: string): number => (t.trim() === '' ? Number.NaN : Number(t));

/** Weights that differ from blank, as numbers (a typo stays NaN and the planner says which organ). */
export function weightsOf(s: PlanSettings): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [organ, text] of Object.entries(s.weights)) if (text.trim() !== '') out[organ] = num(text);
  return out;
}

export function planOptionsOf(s: PlanSettings): PlanOptions {
  return {
    budget: s.mode === 'labels' ? { labels: num(s.labels) } : { minutes: num(s.minutes), minutesPerLabel: num(s.minutesPerLabel) },
    organWeights: weightsOf(s),
    fixedDsc: num(s.fixedDsc),
  };
}
