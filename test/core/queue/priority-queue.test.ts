import { describe, expect, it } from 'vitest';
import { PRIORITY_ORDER, PriorityJobQueue, type JobPriority } from '../../../src/core/queue/priority-queue';

interface Job {
  caseId: string;
  label: string;
  root?: string;
}

const job = (caseId: string, label: string, root = 'A'): Job => ({ caseId, label, root });
const sameCase = (a: Job, b: Job): boolean => a.root === b.root && a.caseId === b.caseId;

/** Drains the queue one job at a time, returning keys in the order served. */
function drain<T>(q: PriorityJobQueue<T>): string[] {
  const out: string[] = [];
  for (;;) {
    const [next] = q.takeGroup(() => false);
    if (!next) return out;
    out.push(next.key);
  }
}

describe('PriorityJobQueue', () => {
  it('serves interactive > open_case > unscored > stale, whatever the push order', () => {
    expect(PRIORITY_ORDER).toEqual(['interactive', 'open_case', 'unscored', 'stale']);
    const q = new PriorityJobQueue<Job>();
    const pushes: [string, JobPriority][] = [
      ['s1', 'stale'],
      ['u1', 'unscored'],
      ['o1', 'open_case'],
      ['i1', 'interactive'],
      ['s2', 'stale'],
      ['u2', 'unscored'],
      ['i2', 'interactive'],
      ['o2', 'open_case'],
    ];
    for (const [k, p] of pushes) q.push(k, job('c', k), p);
    expect(q.size).toBe(8);
    expect(q.counts()).toEqual({ interactive: 2, open_case: 2, unscored: 2, stale: 2 });
    // Within a class: first in, first out.
    expect(drain(q)).toEqual(['i1', 'i2', 'o1', 'o2', 'u1', 'u2', 's1', 's2']);
    expect(q.size).toBe(0);
  });

  it('keeps FIFO order within a class over many jobs', () => {
    const q = new PriorityJobQueue<Job>();
    const keys = Array.from({ length: 50 }, (_, i) => `k${String(49 - i).padStart(2, '0')}`);
    for (const k of keys) q.push(k, job('c', k), 'unscored');
    expect(drain(q)).toEqual(keys);
  });

  it('a push of a queued key raises its priority, never lowers it, and keeps one job per key', () => {
    const q = new PriorityJobQueue<Job>();
    q.push('a', job('c', 'a'), 'unscored');
    q.push('b', job('c', 'b'), 'unscored');
    q.push('c', job('c', 'c'), 'open_case');

    // Lowering is ignored (the payload is updated, the class and place stay).
    const lowered = q.push('a', job('c', 'a2'), 'stale');
    expect(lowered.priority).toBe('unscored');
    expect(lowered.payload.label).toBe('a2');
    expect(q.peek()?.key).toBe('c');

    // Same class again: place in line kept (not moved to the back).
    q.push('a', job('c', 'a3'), 'unscored');
    expect(q.size).toBe(3);

    // Raising moves it into the higher class, behind what is already there.
    const raised = q.push('b', job('c', 'b'), 'open_case');
    expect(raised.priority).toBe('open_case');
    expect(q.size).toBe(3);
    expect(q.has('b')).toBe(true);
    expect(drain(q)).toEqual(['c', 'b', 'a']);
  });

  it('takeGroup takes the best job with the other queued jobs of its case, in queue order', () => {
    const q = new PriorityJobQueue<Job>();
    q.push('x1', job('caseX', 'x1'), 'unscored');
    q.push('y1', job('caseY', 'y1'), 'unscored');
    q.push('x2', job('caseX', 'x2'), 'stale');
    q.push('x3', job('caseX', 'x3'), 'unscored');
    q.push('y2', job('caseY', 'y2'), 'interactive');
    q.push('xb', job('caseX', 'xb', 'B'), 'unscored'); // same case id, other project

    const first = q.takeGroup(sameCase);
    expect(first.map((j) => j.key)).toEqual(['y2', 'y1']);
    const second = q.takeGroup(sameCase);
    expect(second.map((j) => j.key)).toEqual(['x1', 'x3', 'x2']);
    expect(second.map((j) => j.priority)).toEqual(['unscored', 'unscored', 'stale']);
    expect(q.takeGroup(sameCase).map((j) => j.key)).toEqual(['xb']);
    expect(q.takeGroup(sameCase)).toEqual([]);
  });

  it('the eligibility filter skips jobs (a paused project) without removing them', () => {
    const q = new PriorityJobQueue<Job>();
    q.push('a1', job('c1', 'a1', 'A'), 'interactive');
    q.push('b1', job('c1', 'b1', 'B'), 'unscored');
    q.push('a2', job('c2', 'a2', 'A'), 'unscored');
    const onlyB = (j: Job): boolean => j.root === 'B';
    expect(q.peek(onlyB)?.key).toBe('b1');
    // The group is taken among eligible jobs only: A's job of the same case id stays.
    expect(q.takeGroup((a, b) => a.caseId === b.caseId, onlyB).map((j) => j.key)).toEqual(['b1']);
    expect(q.takeGroup(sameCase, onlyB)).toEqual([]);
    expect(q.size).toBe(2);
    expect(q.peek()?.key).toBe('a1');
  });

  it('count and remove select by payload', () => {
    const q = new PriorityJobQueue<Job>();
    for (const [k, root] of [['1', 'A'], ['2', 'B'], ['3', 'A'], ['4', 'A']] as const) q.push(k, job('c', k, root), 'unscored');
    expect(q.count((j) => j.root === 'A')).toBe(3);
    expect(q.count((j) => j.root === 'B')).toBe(1);
    expect(q.count(() => false)).toBe(0);
    expect(q.remove((j) => j.payload.root === 'A')).toBe(3);
    expect(q.count((j) => j.root === 'A')).toBe(0);
    expect(q.size).toBe(1);
  });

  it('restore puts taken jobs back in their place; a key pushed meanwhile keeps the better of the two', () => {
    const q = new PriorityJobQueue<Job>();
    q.push('a', job('c1', 'a'), 'unscored');
    q.push('b', job('c1', 'b'), 'unscored');
    q.push('z', job('c2', 'z'), 'unscored');
    const taken = q.takeGroup(sameCase);
    expect(taken.map((j) => j.key)).toEqual(['a', 'b']);
    q.push('y', job('c3', 'y'), 'unscored');
    q.push('b', job('c1', 'b'), 'stale'); // queued again, lower: the restored place wins
    q.restore(taken);
    expect(q.size).toBe(4);
    expect(q.peek()?.key).toBe('a');
    expect(drain(q)).toEqual(['a', 'b', 'z', 'y']);

    const q2 = new PriorityJobQueue<Job>();
    q2.push('a', job('c1', 'a'), 'unscored');
    const again = q2.takeGroup(sameCase);
    q2.push('a', job('c1', 'a'), 'interactive'); // queued again, higher: stays higher
    q2.restore(again);
    expect(q2.size).toBe(1);
    expect(q2.peek()?.priority).toBe('interactive');
  });
});
