/** The panel's styles, scoped by its shadow root. */
export const PANEL_CSS = `
:host { all: initial; }
.panel { position: fixed; z-index: 2147483647; display: flex; flex-direction: column; box-sizing: border-box;
  background: #fff; color: #1f2328; font: 12px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  --accent: #0b57d0; --line: #e3e6ea; --muted: #5f6670; --bad: #b3261e; --good: #146c2e;
  --pushed: #0b57d0; --pulled: #1e8e3e; --failed: #d93025; }
.panel[data-dock=right] { top: 0; right: 0; bottom: 0; border-left: 1px solid #c7ccd3; box-shadow: -2px 0 12px rgba(0,0,0,.08); }
.panel[data-dock=bottom] { left: 0; right: 0; bottom: 0; border-top: 1px solid #c7ccd3; box-shadow: 0 -2px 12px rgba(0,0,0,.08); }
.handle { position: absolute; z-index: 1; touch-action: none; }
.panel[data-dock=right] .handle { left: -3px; top: 0; bottom: 0; width: 7px; cursor: col-resize; }
.panel[data-dock=bottom] .handle { top: -3px; left: 0; right: 0; height: 7px; cursor: row-resize; }
.handle:hover, .handle:focus-visible { background: rgba(11,87,208,.35); outline: none; }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 6px 10px; border-bottom: 1px solid var(--line); background: #f6f8fa; }
header strong { font-size: 13px; }
.notice { flex: 1; min-width: 0; color: var(--good); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pill { padding: 0 8px; border-radius: 10px; background: #e6f4ea; color: var(--good); font-weight: 600; }
.pill.paused, .pill.offline { background: #fce8e6; color: var(--bad); }
.pill.syncing { background: #e8f0fe; color: var(--accent); }
button { font: inherit; cursor: pointer; color: inherit; background: #fff; border: 1px solid #c7ccd3; border-radius: 4px; padding: 1px 8px; }
button:hover { background: #f0f3f6; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
nav { display: flex; flex-wrap: wrap; gap: 0 2px; padding: 2px 8px 0; border-bottom: 1px solid var(--line); }
nav button { border: 0; border-bottom: 2px solid transparent; border-radius: 0; background: none; padding: 5px 7px; color: var(--muted); }
nav button[aria-selected=true] { border-bottom-color: var(--accent); color: var(--accent); font-weight: 600; }
.badge:not(:empty) { margin-left: 4px; padding: 0 5px; border-radius: 8px; background: #e8eaed; color: #1f2328; font-size: 11px; font-weight: 400; }
.view-tools:not(:empty) { padding: 6px 10px 0; }
.toolbar { display: flex; align-items: center; gap: 6px; margin: 0 0 6px; }
.toolbar input { flex: 1; min-width: 0; }
input, select { font: inherit; padding: 2px 6px; border: 1px solid #c7ccd3; border-radius: 4px; background: #fff; color: inherit; }
main { flex: 1; min-height: 0; overflow: auto; padding: 6px 10px 10px; }
.count, .empty { color: var(--muted); margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; color: var(--muted); white-space: nowrap; }
th, td { vertical-align: top; padding: 3px 6px 3px 0; border-bottom: 1px solid #eef0f2; }
table.data td { white-space: nowrap; }
table.data td.fill, table.data th.fill { width: 100%; max-width: 0; overflow: hidden; text-overflow: ellipsis; }
.line { display: block; overflow: hidden; text-overflow: ellipsis; }
.muted { color: var(--muted); }
table.facts th { width: 1%; padding-right: 16px; font-weight: 400; }
td, code, pre, .time, input[type=search] { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11.5px; }
.toggle-cell { width: 1%; padding-right: 2px; }
button.toggle { border: 0; background: none; padding: 0 2px; color: var(--muted); }
tr.details > td { white-space: normal; background: #f6f8fa; padding: 6px 8px; }
tr.details pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-height: 320px; overflow: auto; }
.details-bar { float: right; margin-left: 8px; }
.actions { display: inline-flex; gap: 4px; }
.kind { font-weight: 600; }
.kind.conflict, .kind.rejected, .kind.error, .problem { color: var(--bad); }
.kind.run { color: var(--accent); }
.timeline .chart { margin: 0 0 12px; }
.panel[data-dock=bottom] .timeline { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 0 16px; }
.panel[data-dock=bottom] .timeline table { grid-column: 1 / -1; }
.timeline h3 { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; margin: 4px 0; font-size: 12px; }
.legend { display: inline-flex; gap: 10px; font-weight: 400; color: var(--muted); }
.swatch::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 4px; border-radius: 2px; background: currentColor; }
.swatch.pushed { color: var(--pushed); } .swatch.pulled { color: var(--pulled); } .swatch.failed { color: var(--failed); }
svg { display: block; width: 100%; height: 60px; background: #fbfcfd; border: 1px solid #eef0f2; border-radius: 4px; box-sizing: border-box; }
svg .pushed { fill: var(--pushed); } svg .pulled { fill: var(--pulled); } svg .failed { fill: var(--failed); }
svg .error { fill: var(--failed); opacity: .55; }
svg .hit { fill: transparent; }
svg .run:hover rect:not(.hit) { opacity: .75; }
svg .duration { fill: #9aa0a6; }
svg .axis { stroke: #c7ccd3; vector-effect: non-scaling-stroke; }
svg .line { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; stroke-linejoin: round; }
svg .area { fill: rgba(11,87,208,.12); }
.axis-labels { display: flex; justify-content: space-between; color: var(--muted); }
`;
