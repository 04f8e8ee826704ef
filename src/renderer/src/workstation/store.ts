/**
 * The workstation's state between the engine (SentinelApi) and the project database (Dexie): the open project,
 * scan and scoring progress, the review queue and the annotator. Every 'score' event is written to the database as
 * it arrives, one write after another, and the queue is re-read from the database at most a few times a second, so
 * a run of thousands of labels never floods the page with work.
 */
import { inject, markRaw, reactive, type InjectionKey } from 'vue';
import type { EngineEvent, EngineInfo, ProjectSnapshot, ScoringProgress } from '../../../shared/api';
import type { LabelScore } from '../../../shared/scores';
import type { AppApi } from '../api/connect';
import {
  exportProject,
  importProject,
  importScoresCsvText,
  recentProjects,
  recordDecision,
  recordScore,
  reviewQueue,
  setAnnotator,
  upsertProjectFromSnapshot,
  type Decision,
  type ProjectDb,
  type ProjectExport,
  type ProjectRow,
  type QueueFilters,
  type QueueItem,
} from '../db';

/** Where the annotator's name is kept between projects (a project keeps its own once set). */
const ANNOTATOR_KEY = 'sentinel-annotator';
/** Shortest time between two queue re-reads while scores stream in. */
const QUEUE_REFRESH_MS = 250;

export type Screen = 'projects' | 'queue' | 'editor' | 'plan' | 'reports' | 'export';

export interface WorkstationState {
  screen: Screen;
  info: EngineInfo | null;
  project: ProjectRow | null;
  snapshot: ProjectSnapshot | null;
  opening: boolean;
  scan: { scanned: number; total: number } | null;
  progress: ScoringProgress | null;
  error: string;
  notice: string;
  annotator: string;
  recent: ProjectRow[];
  queue: QueueItem[];
  filters: QueueFilters;
  /** Label paths of the queue row selected, and of the label open in the editor. */
  selected: string | null;
  /** The user chose the selection; until then it follows the top of the queue as scores arrive. */
  selectionPinned: boolean;
  editing: string | null;
  /** Score events written to the database since the page opened. */
  scoresRecorded: number;
}

export type ScoreListener = (score: LabelScore) => void;

export interface Workstation {
  readonly state: WorkstationState;
  readonly api: AppApi;
  readonly db: ProjectDb;
  start(): Promise<void>;
  stop(): void;
  open(root: string): Promise<boolean>;
  scoreAll(): Promise<void>;
  /** Queues the unscored or stale labels of one case at open_case priority (the case in the editor). */
  scoreCase(caseId: string): Promise<void>;
  control(action: 'pause' | 'resume' | 'cancel'): Promise<void>;
  refreshQueue(): Promise<void>;
  setFilters(filters: QueueFilters): Promise<void>;
  setAnnotatorName(name: string): Promise<void>;
  decide(labelPath: string, decision: Decision, note?: string): Promise<void>;
  exportJson(): Promise<ProjectExport>;
  importJson(text: string, file: string): Promise<string>;
  importCsv(text: string, file: string): Promise<string>;
  /** Runs after a score event has been recorded in the database; returns the unsubscribe function. */
  onScore(listener: ScoreListener): () => void;
  /** Resolves once every score received so far is in the database. */
  flushed(): Promise<void>;
  item(labelPath: string): QueueItem | undefined;
  /** The queue row after `labelPath` (the first row when absent), skipping decided labels when possible. */
  nextAfter(labelPath: string | null): QueueItem | undefined;
}

export const WORKSTATION: InjectionKey<Workstation> = Symbol('workstation');

export function useWorkstation(): Workstation {
  const ws = inject(WORKSTATION);
  if (!ws) throw new Error('the workstation is not provided');
  return ws;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createWorkstation(api: AppApi, db: ProjectDb): Workstation {
  const state = reactive<WorkstationState>({
    screen: 'projects',
    info: null,
    project: null,
    snapshot: null,
    opening: false,
    scan: null,
    progress: null,
    error: '',
    notice: '',
    annotator: localStorage.getItem(ANNOTATOR_KEY) ?? '',
    recent: [],
    queue: [],
    filters: {},
    selected: null,
    selectionPinned: false,
    editing: null,
    scoresRecorded: 0,
  });
  const listeners = new Set<ScoreListener>();
  let writes: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let lastRefresh = 0;

  const root = (): string | null => state.project?.root ?? null;

  function onEvent(ev: EngineEvent): void {
    if (ev.type === 'score') {
      if (ev.root !== root()) return;
      const project = ev.root;
      writes = writes
        .then(async () => {
          await recordScore(db, project, ev.score);
          state.scoresRecorded++;
          for (const l of listeners) l(ev.score);
          scheduleRefresh();
        })
        .catch((e: unknown) => void (state.error = `recording the score of ${ev.score.labelPath}: ${message(e)}`));
    } else if (ev.type === 'progress') {
      if (ev.progress.root === root()) state.progress = ev.progress;
    } else if (ev.type === 'scan') {
      state.scan = { scanned: ev.scanned, total: ev.total };
    } else if (ev.type === 'error') {
      if (ev.root === null || ev.root === root()) state.error = ev.message;
    }
  }

  function scheduleRefresh(): void {
    if (refreshTimer !== null) return;
    const wait = Math.max(0, QUEUE_REFRESH_MS - (performance.now() - lastRefresh));
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refreshQueue();
    }, wait);
  }

  async function refreshQueue(): Promise<void> {
    const r = root();
    if (!r) return;
    lastRefresh = performance.now();
    try {
      const items = await reviewQueue(db, r, { ...state.filters });
      // Rows are plain data read from the database: no need for deep reactivity on thousands of them.
      state.queue = items.map((i) => markRaw(i));
      if (!state.selectionPinned || state.selected === null || !items.some((i) => i.labelPath === state.selected)) {
        state.selected = items[0]?.labelPath ?? null;
      }
    } catch (e) {
      state.error = message(e);
    }
  }

  async function loadRecent(): Promise<void> {
    state.recent = await recentProjects(db, 12);
  }

  const ws: Workstation = {
    state,
    api,
    db,
    async start() {
      unsubscribe = api.subscribe(onEvent);
      api.onOpenRequest?.((r) => void ws.open(r));
      await loadRecent().catch((e: unknown) => void (state.error = message(e)));
      state.info = await api.engineInfo();
    },
    stop() {
      unsubscribe?.();
      if (refreshTimer !== null) clearTimeout(refreshTimer);
    },
    async open(path) {
      state.error = '';
      state.notice = '';
      state.opening = true;
      state.scan = null;
      try {
        const snapshot = await api.openProject(path);
        const known = state.recent.find((p) => p.root === snapshot.root);
        const annotator = known?.annotator ?? (state.annotator || null);
        const { project } = await upsertProjectFromSnapshot(db, snapshot, { annotator });
        state.snapshot = markRaw(snapshot);
        state.project = project;
        state.annotator = project.annotator ?? state.annotator;
        state.progress = null;
        state.filters = {};
        state.selected = null;
        state.selectionPinned = false;
        state.editing = null;
        await refreshQueue();
        await loadRecent();
        state.screen = 'queue';
        return true;
      } catch (e) {
        state.error = message(e);
        return false;
      } finally {
        state.opening = false;
      }
    },
    async scoreAll() {
      const r = root();
      if (!r) return;
      state.error = '';
      try {
        // Labels never scored go first; labels scored only by another model (a model change) are stale and follow;
        // labels already scored by this model are left alone.
        const model = state.info?.model ?? null;
        const labels = await db.labels.where('project').equals(r).toArray();
        const unscored = labels.filter((l) => l.status === 'ok' && !l.latest).map((l) => l.labelPath);
        const stale = labels.filter((l) => l.status === 'ok' && l.latest && l.latest.model !== model).map((l) => l.labelPath);
        if (unscored.length) await api.score({ root: r, labelPaths: unscored, priority: 'unscored' });
        if (stale.length) await api.score({ root: r, labelPaths: stale, priority: 'stale' });
      } catch (e) {
        state.error = message(e);
      }
    },
    async scoreCase(caseId) {
      const r = root();
      if (!r) return;
      // The case on screen is scored before the rest of the dataset (open_case beats unscored and stale).
      const model = state.info?.model ?? null;
      const labels = await db.labels.where('project').equals(r).filter((l) => l.caseId === caseId).toArray();
      const todo = labels.filter((l) => l.status === 'ok' && (!l.latest || l.latest.model !== model)).map((l) => l.labelPath);
      if (todo.length) await api.score({ root: r, labelPaths: todo, priority: 'open_case' }).catch((e) => (state.error = message(e)));
    },
    async control(action) {
      const r = root();
      if (!r) return;
      try {
        state.progress = await api.controlScoring({ root: r, action });
      } catch (e) {
        state.error = message(e);
      }
    },
    refreshQueue,
    async setFilters(filters) {
      state.filters = filters;
      await refreshQueue();
    },
    async setAnnotatorName(name) {
      state.annotator = name;
      localStorage.setItem(ANNOTATOR_KEY, name);
      const r = root();
      if (r) {
        await setAnnotator(db, r, name || null);
        state.project = { ...(state.project as ProjectRow), annotator: name || null };
      }
    },
    async decide(labelPath, decision, note = '') {
      const r = root();
      if (!r) return;
      try {
        await recordDecision(db, { project: r, labelPath, decision, note, annotator: state.annotator || null });
        await refreshQueue();
      } catch (e) {
        state.error = message(e);
      }
    },
    async exportJson() {
      const r = root();
      if (!r) throw new Error('no project is open');
      await ws.flushed();
      return exportProject(db, r);
    },
    async importJson(text, file) {
      const res = await importProject(db, text, {}, file);
      await loadRecent();
      if (res.root === root()) {
        // The import replaced the project's assignments (new ids): a queue filtered to an old one would show nothing.
        if (state.filters.assignmentId !== undefined) state.filters = { ...state.filters, assignmentId: undefined };
        await refreshQueue();
      }
      return `${file}: ${res.labels} labels, ${res.scores} scores, ${res.reviews} decisions, ${res.edits} edits, ${res.assignments} assignments imported for ${res.root}`;
    },
    async importCsv(text, file) {
      const r = root();
      if (!r) throw new Error('open a project before importing its scores');
      const res = await importScoresCsvText(db, r, text, { file });
      await refreshQueue();
      return `${file}: ${res.rows} rows, ${res.recorded} new scores, ${res.unchanged} already known, ${res.newLabels} labels not in the scan`;
    },
    onScore(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flushed: () => writes,
    item: (labelPath) => state.queue.find((i) => i.labelPath === labelPath),
    nextAfter(labelPath) {
      const q = state.queue;
      const at = labelPath === null ? -1 : q.findIndex((i) => i.labelPath === labelPath);
      const after = q.slice(at + 1);
      return after.find((i) => !i.decision) ?? after[0];
    },
  };
  return ws;
}
