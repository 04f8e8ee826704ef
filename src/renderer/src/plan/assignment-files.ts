/** Assignment files in and out of the page: names, media types, and the budget said in words. */
import type { AssignmentFileFormat } from '../../../shared/plan';
import type { PlanBudget } from '../../../shared/plan/planner';

export function assignmentFileName(projectName: string, format: AssignmentFileFormat, when: Date = new Date()): string {
  const safe = projectName.replace(/[^\w.-]+/g, '_') || 'project';
  const stamp = when.toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return `${safe}-assignment-${stamp}.${format}`;
}

export const ASSIGNMENT_MEDIA_TYPE: Record<AssignmentFileFormat, string> = { json: 'application/json', csv: 'text/csv' };

export function budgetText(b: PlanBudget): string {
  return 'labels' in b ? `${b.labels} labels` : `${b.minutes} min at ${b.minutesPerLabel} min/label`;
}
