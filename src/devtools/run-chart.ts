import type { SyncLogEntry, SyncRunSummary } from '../../protocol/index.ts';

const SVG = 'http://www.w3.org/2000/svg';
const CHART_HEIGHT = 60;
const BAR_WIDTH = 8;
const BAR_GAP = 3;
/** Bars the chart has room for at least, so a few runs are not drawn as wide blocks. */
const MIN_SLOTS = 40;

/** A sync run as logged: when it ended and what it did. */
export type LoggedRun = SyncLogEntry & { run: SyncRunSummary };

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: SVGElement[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/** A `<title>` child: the browser shows it as a tooltip. Text only. */
function tooltip(text: string): SVGTitleElement {
  const title = svg('title', {});
  title.textContent = text;
  return title;
}

function canvas(width: number, label: string): SVGSVGElement {
  // Scaled to the panel's width; strokes keep their width (vector-effect in the styles).
  return svg('svg', {
    viewBox: `0 0 ${Math.max(width, 1)} ${CHART_HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': label,
  });
}

/** Bars sit right-aligned (the newest run at the right edge) in at least MIN_SLOTS slots. */
function slots(count: number): { step: number; offset: number; width: number } {
  const step = BAR_WIDTH + BAR_GAP;
  const width = Math.max(count, MIN_SLOTS) * step;
  return { step, offset: width - count * step, width };
}

/**
 * One stacked bar per run, oldest first, evenly spaced: pushed, pulled and failed counts. A run
 * that stopped on an error gets a red cap. Each bar's tooltip says when, how long and how many.
 */
export function runChart(runs: LoggedRun[], describe: (run: LoggedRun) => string): SVGSVGElement {
  const { step, offset, width } = slots(runs.length);
  const chart = canvas(width, 'Sync runs: pushed, pulled and failed per run');
  const highest = Math.max(1, ...runs.map(({ run }) => run.pushed + run.pulled + run.failed));
  const scale = (CHART_HEIGHT - 6) / highest;
  runs.forEach((entry, index) => {
    const x = offset + index * step;
    const bar = svg('g', { class: 'run' }, tooltip(describe(entry)));
    let y = CHART_HEIGHT;
    for (const part of ['pushed', 'pulled', 'failed'] as const) {
      const height = entry.run[part] * scale;
      if (height === 0) continue;
      y -= height;
      bar.append(svg('rect', { class: part, x, y, width: BAR_WIDTH, height }));
    }
    if (entry.run.error) bar.append(svg('rect', { class: 'error', x, y: y - 4, width: BAR_WIDTH, height: 4 }));
    // A hit area as tall as the chart, so even an empty run has a tooltip.
    bar.append(svg('rect', { class: 'hit', x, y: 0, width: step, height: CHART_HEIGHT }));
    chart.append(bar);
  });
  chart.append(svg('line', { class: 'axis', x1: 0, y1: CHART_HEIGHT, x2: width, y2: CHART_HEIGHT }));
  return chart;
}

/** One bar per run: how long it took, scaled to the longest. */
export function durationChart(runs: LoggedRun[]): SVGSVGElement {
  const { step, offset, width } = slots(runs.length);
  const chart = canvas(width, 'How long each sync run took');
  const longest = Math.max(1, ...runs.map(({ run }) => run.durationMs));
  runs.forEach(({ run }, index) => {
    const height = Math.max(1, (run.durationMs / longest) * CHART_HEIGHT);
    chart.append(
      svg(
        'rect',
        { class: 'duration', x: offset + index * step, y: CHART_HEIGHT - height, width: BAR_WIDTH, height },
        tooltip(`${run.durationMs} ms`),
      ),
    );
  });
  return chart;
}

/** A line through `values` (evenly spaced), with the area under it shaded. */
export function sparkline(values: number[], label: string): SVGSVGElement {
  const step = 10;
  const width = Math.max(1, (values.length - 1) * step);
  const chart = canvas(width, label);
  const highest = Math.max(1, ...values);
  const points = values.map(
    (value, index) => `${index * step},${CHART_HEIGHT - 2 - (value / highest) * (CHART_HEIGHT - 6)}`,
  );
  chart.append(
    svg('polygon', { class: 'area', points: `0,${CHART_HEIGHT} ${points.join(' ')} ${width},${CHART_HEIGHT}` }),
    svg('polyline', { class: 'line', points: points.join(' ') }),
  );
  return chart;
}
