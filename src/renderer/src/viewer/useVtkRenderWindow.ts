/**
 * One vtk.js render window in a container element, owned by the component that calls this: created on mount,
 * sized to the container (device pixels), deleted with its WebGL context on unmount. Renders are coalesced to at
 * most one per animation frame, so a burst of changes (a paint stroke, a wheel spin) costs one frame each.
 */
import { onMounted, onScopeDispose, shallowRef, type Ref, type ShallowRef } from 'vue';
import { vtkRenderWindow, vtkRenderer, vtkOpenGLRenderWindow } from './vtk';

export interface CssSize {
  width: number;
  height: number;
}

export interface VtkWindow {
  renderWindow: vtkRenderWindow;
  openGL: vtkOpenGLRenderWindow;
  renderer: vtkRenderer;
  /** The container's size in CSS pixels (0×0 until it is laid out). */
  size: ShallowRef<CssSize>;
  /** Asks for a render in the next animation frame (several calls in one frame render once). */
  requestRender(): void;
  /** Runs before every render: the place to push pending state (camera, uploads) into vtk.js. */
  beforeRender(hook: () => void): void;
  /** Runs after every render. */
  afterRender(hook: () => void): void;
  /** Runs when the window goes, before the window itself is deleted (actors, mappers, filters). */
  onDispose(cleanup: () => void): void;
  /** Resolves after the next render has been drawn. */
  nextRender(): Promise<void>;
  /** Renders now and resolves with the canvas as a PNG data URL. */
  snapshot(): Promise<string>;
  /** True once the window has drawn at least once (its textures exist). */
  hasRendered(): boolean;
}

export function useVtkRenderWindow(container: Ref<HTMLElement | null>, background: [number, number, number] = [0, 0, 0]): VtkWindow {
  const renderWindow = vtkRenderWindow.newInstance();
  const renderer = vtkRenderer.newInstance();
  renderer.setBackground(background[0], background[1], background[2], 1);
  renderWindow.addRenderer(renderer);
  const openGL = vtkOpenGLRenderWindow.newInstance();
  renderWindow.addView(openGL);

  const size = shallowRef<CssSize>({ width: 0, height: 0 });
  const hooks: (() => void)[] = [];
  const afterHooks: (() => void)[] = [];
  const cleanups: (() => void)[] = [];
  let waiting: (() => void)[] = [];
  let frame = 0;
  let rendered = false;
  let disposed = false;
  let observer: ResizeObserver | null = null;

  function renderNow(): void {
    frame = 0;
    if (disposed || size.value.width === 0 || size.value.height === 0) return;
    for (const hook of hooks) hook();
    renderWindow.render();
    rendered = true;
    for (const hook of afterHooks) hook();
    const done = waiting;
    waiting = [];
    for (const resolve of done) resolve();
  }

  function requestRender(): void {
    if (disposed || frame !== 0) return;
    frame = requestAnimationFrame(renderNow);
  }

  function resize(): void {
    const el = container.value;
    if (!el) return;
    const { width, height } = el.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    openGL.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
    size.value = { width, height };
    requestRender();
  }

  onMounted(() => {
    const el = container.value;
    if (!el) return;
    openGL.setContainer(el);
    const canvas = openGL.getCanvas();
    if (canvas) {
      canvas.style.display = 'block';
      canvas.style.height = '100%';
    }
    observer = new ResizeObserver(resize);
    observer.observe(el);
    resize();
  });

  onScopeDispose(() => {
    disposed = true;
    if (frame !== 0) cancelAnimationFrame(frame);
    observer?.disconnect();
    for (let n = cleanups.length - 1; n >= 0; n--) cleanups[n]();
    renderer.delete();
    renderWindow.delete();
    // Deletes the canvas and loses its WebGL context, so reopening the editor does not pile up contexts.
    openGL.delete();
    for (const resolve of waiting) resolve();
    waiting = [];
  });

  return {
    renderWindow,
    openGL,
    renderer,
    size,
    requestRender,
    beforeRender: (hook) => void hooks.push(hook),
    afterRender: (hook) => void afterHooks.push(hook),
    onDispose: (cleanup) => void cleanups.push(cleanup),
    nextRender: () =>
      new Promise<void>((resolve) => {
        if (disposed) return resolve();
        waiting.push(resolve);
        requestRender();
      }),
    async snapshot() {
      if (disposed || size.value.width === 0 || size.value.height === 0) return '';
      const image = openGL.captureNextImage('image/png');
      renderNow();
      return (await image) ?? '';
    },
    hasRendered: () => rendered,
  };
}
