/**
 * The scoring job queue. Four classes, served strictly in this order:
 *   interactive (a label just saved in the editor) > open_case (labels of the case on screen)
 *   > unscored > stale (scored by an older model).
 * Within a class, first in first out. A job is keyed by its label: pushing a key again updates the payload
 * and can raise (never lower) its priority, so a label is never queued twice.
 */
export type JobPriority = 'interactive' | 'open_case' | 'unscored' | 'stale';

export const PRIORITY_ORDER: readonly JobPriority[] = ['interactive', 'open_case', 'unscored', 'stale'];

export interface QueuedJob<T> {
  key: string;
  priority: JobPriority;
  payload: T;
  /** Insertion order, for FIFO within a class. */
  seq: number;
}

export class PriorityJobQueue<T> {
  private readonly jobs = new Map<string, QueuedJob<T>>();
  private seq = 0;

  get size(): number {
    return this.jobs.size;
  }

  has(key: string): boolean {
    return this.jobs.has(key);
  }

  /** Adds or updates a job; returns the job as queued. */
  push(key: string, payload: T, priority: JobPriority): QueuedJob<T> {
    const existing = this.jobs.get(key);
    if (existing) {
      existing.payload = payload;
      if (rank(priority) < rank(existing.priority)) {
        existing.priority = priority;
        existing.seq = this.seq++;
      }
      return existing;
    }
    const job: QueuedJob<T> = { key, priority, payload, seq: this.seq++ };
    this.jobs.set(key, job);
    return job;
  }

  /** The next job to run (among those `eligible` accepts), without removing it. */
  peek(eligible?: (payload: T) => boolean): QueuedJob<T> | undefined {
    let best: QueuedJob<T> | undefined;
    for (const job of this.jobs.values()) {
      if (eligible && !eligible(job.payload)) continue;
      if (!best || rank(job.priority) < rank(best.priority) || (job.priority === best.priority && job.seq < best.seq)) {
        best = job;
      }
    }
    return best;
  }

  /**
   * Removes and returns the next job together with every queued job that `sameGroup` accepts (e.g. the other labels
   * of the same case, so the case's CT is decoded once), in queue order. Jobs `eligible` refuses stay queued, in
   * the group as well as ahead of it.
   */
  takeGroup(sameGroup: (a: T, b: T) => boolean, eligible?: (payload: T) => boolean): QueuedJob<T>[] {
    const first = this.peek(eligible);
    if (!first) return [];
    const group = [...this.jobs.values()]
      .filter((j) => j === first || (sameGroup(first.payload, j.payload) && (!eligible || eligible(j.payload))))
      .sort(compareJobs);
    for (const j of group) this.jobs.delete(j.key);
    return group;
  }

  /**
   * Puts jobs taken by `takeGroup` back with their own priority and place in line (a paused case's unscored labels
   * resume where they were). A key pushed again meanwhile keeps whichever of the two comes first.
   */
  restore(jobs: readonly QueuedJob<T>[]): void {
    for (const job of jobs) {
      const queued = this.jobs.get(job.key);
      if (!queued) this.jobs.set(job.key, { ...job });
      else if (compareJobs(job, queued) < 0) {
        queued.priority = job.priority;
        queued.seq = job.seq;
      }
    }
  }

  /** Removes the jobs `match` accepts; returns how many. */
  remove(match: (job: QueuedJob<T>) => boolean): number {
    let n = 0;
    for (const [key, job] of this.jobs) {
      if (match(job)) {
        this.jobs.delete(key);
        n++;
      }
    }
    return n;
  }

  /** How many queued jobs `match` accepts. */
  count(match: (payload: T) => boolean): number {
    let n = 0;
    for (const job of this.jobs.values()) if (match(job.payload)) n++;
    return n;
  }

  counts(): Record<JobPriority, number> {
    const c: Record<JobPriority, number> = { interactive: 0, open_case: 0, unscored: 0, stale: 0 };
    for (const job of this.jobs.values()) c[job.priority]++;
    return c;
  }
}

function rank(p: JobPriority): number {
  return PRIORITY_ORDER.indexOf(p);
}

function compareJobs<T>(a: QueuedJob<T>, b: QueuedJob<T>): number {
  return rank(a.priority) - rank(b.priority) || a.seq - b.seq;
}
