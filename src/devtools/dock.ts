/** The page edge the panel is docked to. */
export type DockSide = 'right' | 'bottom';

interface DockState {
  side: DockSide;
  /** Panel width when docked right, height when docked at the bottom, in CSS px. */
  width: number;
  height: number;
}

/** Where the dock side and sizes are remembered between visits. */
export const DOCK_STORAGE_KEY = 'syncworker-devtools-dock';
const MIN_SIZE = 200;
/** The app always keeps at least this share of the viewport. */
const MAX_SHARE = 0.7;
const KEY_STEP = 24;

/** The page's own inline styles the dock overrides, restored on close. */
const PAGE_PROPERTIES = ['padding-right', 'padding-bottom', 'scroll-padding-right', 'scroll-padding-bottom'];

/**
 * Docks `panel` to the right or bottom edge of the viewport and makes room for it: the root
 * element gets padding (and scroll padding) as large as the panel, so the app's controls are
 * never underneath it. `handle` resizes it by dragging or with the arrow keys; side and sizes
 * are kept in localStorage.
 */
export class Dock {
  readonly #panel: HTMLElement;
  readonly #handle: HTMLElement;
  readonly #saved = new Map<string, [string, string]>();
  #state: DockState;

  constructor(panel: HTMLElement, handle: HTMLElement) {
    this.#panel = panel;
    this.#handle = handle;
    this.#state = readState();
    const root = document.documentElement.style;
    for (const property of PAGE_PROPERTIES) {
      this.#saved.set(property, [root.getPropertyValue(property), root.getPropertyPriority(property)]);
    }
    handle.setAttribute('role', 'separator');
    handle.setAttribute('tabindex', '0');
    handle.setAttribute('aria-label', 'Resize the panel');
    handle.addEventListener('pointerdown', (event) => this.#drag(event));
    handle.addEventListener('keydown', (event) => this.#key(event));
    addEventListener('resize', this.#apply);
    this.#apply();
  }

  get side(): DockSide {
    return this.#state.side;
  }

  /** Moves the panel to the other edge. */
  setSide(side: DockSide): void {
    this.#state = { ...this.#state, side };
    this.#save();
    this.#apply();
  }

  /** Gives the page its own styles back. */
  close(): void {
    removeEventListener('resize', this.#apply);
    for (const property of PAGE_PROPERTIES) this.#restore(property);
  }

  #drag(event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault();
    this.#handle.setPointerCapture(event.pointerId);
    // Relative to where the edge was grabbed, so the panel does not jump under the pointer.
    const isRight = this.#state.side === 'right';
    const start = { size: this.#size(), at: isRight ? event.clientX : event.clientY };
    const move = (moved: PointerEvent) =>
      this.#resize(start.size + start.at - (isRight ? moved.clientX : moved.clientY));
    const end = () => {
      this.#handle.removeEventListener('pointermove', move);
      this.#handle.removeEventListener('pointerup', end);
      this.#handle.removeEventListener('pointercancel', end);
      this.#save();
    };
    this.#handle.addEventListener('pointermove', move);
    this.#handle.addEventListener('pointerup', end);
    this.#handle.addEventListener('pointercancel', end);
  }

  #key(event: KeyboardEvent): void {
    const grow = this.#state.side === 'right' ? { ArrowLeft: 1, ArrowRight: -1 } : { ArrowUp: 1, ArrowDown: -1 };
    const step = grow[event.key as keyof typeof grow];
    if (step === undefined) return;
    event.preventDefault();
    this.#resize(this.#size() + step * KEY_STEP);
    this.#save();
  }

  /** The panel's size as shown: the remembered one, within what this viewport allows. */
  #size(): number {
    return this.#clamp(this.#state.side === 'right' ? this.#state.width : this.#state.height);
  }

  #clamp(size: number): number {
    const limit = Math.max(MIN_SIZE, Math.round((this.#state.side === 'right' ? innerWidth : innerHeight) * MAX_SHARE));
    return Math.round(Math.min(limit, Math.max(MIN_SIZE, size)));
  }

  #resize(size: number): void {
    const clamped = this.#clamp(size);
    this.#state =
      this.#state.side === 'right' ? { ...this.#state, width: clamped } : { ...this.#state, height: clamped };
    this.#apply();
  }

  /** Lays the panel out and pads the page by the size it really takes (sizes are clamped to the viewport). */
  readonly #apply = () => {
    const { side } = this.#state;
    const size = this.#size();
    this.#panel.dataset.dock = side;
    this.#panel.style.width = side === 'right' ? `${size}px` : '';
    this.#panel.style.height = side === 'bottom' ? `${size}px` : '';
    this.#handle.setAttribute('aria-orientation', side === 'right' ? 'vertical' : 'horizontal');
    this.#handle.setAttribute('aria-valuenow', String(size));
    const root = document.documentElement.style;
    const [padded, other] = side === 'right' ? ['right', 'bottom'] : ['bottom', 'right'];
    root.setProperty(`padding-${padded}`, `${size}px`);
    root.setProperty(`scroll-padding-${padded}`, `${size}px`);
    this.#restore(`padding-${other}`);
    this.#restore(`scroll-padding-${other}`);
  };

  #restore(property: string): void {
    const [value, priority] = this.#saved.get(property) ?? ['', ''];
    const root = document.documentElement.style;
    if (value) root.setProperty(property, value, priority);
    else root.removeProperty(property);
  }

  #save(): void {
    try {
      localStorage.setItem(DOCK_STORAGE_KEY, JSON.stringify(this.#state));
    } catch (error) {
      // Storage may be full or blocked: the panel still works, it only forgets its size.
      console.warn('syncworker: cannot remember the panel size', error);
    }
  }
}

/** Below this width (px) the panel docks at the bottom unless the user chose a side. */
const NARROW_WINDOW = 700;

function readState(): DockState {
  // By default the app keeps most of a narrow window, and a phone-sized one its full width.
  const fallback: DockState = {
    side: innerWidth < NARROW_WINDOW ? 'bottom' : 'right',
    width: Math.round(Math.min(560, Math.max(400, innerWidth * 0.4))),
    height: Math.round(Math.min(360, Math.max(MIN_SIZE, innerHeight * 0.4))),
  };
  try {
    const stored = JSON.parse(localStorage.getItem(DOCK_STORAGE_KEY) ?? 'null') as Partial<DockState> | null;
    return {
      side: stored?.side === 'bottom' || stored?.side === 'right' ? stored.side : fallback.side,
      width: typeof stored?.width === 'number' ? stored.width : fallback.width,
      height: typeof stored?.height === 'number' ? stored.height : fallback.height,
    };
  } catch {
    return fallback;
  }
}
