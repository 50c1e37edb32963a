/** The panel's styles, scoped by its shadow root. */
export const PANEL_CSS = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; width: 560px; height: 400px;
  display: flex; flex-direction: column; background: #fff; color: #1b1f24; border: 1px solid #c9ced6;
  border-radius: 8px; box-shadow: 0 6px 24px rgba(0,0,0,.18); font: 12px/1.4 ui-monospace, monospace; }
header { display: flex; align-items: center; gap: 6px; padding: 6px 8px; border-bottom: 1px solid #e4e7eb; }
header strong { flex: 1; }
.pill { padding: 1px 6px; border-radius: 10px; background: #e6f4ea; color: #137333; }
.pill.paused, .pill.offline { background: #fce8e6; color: #a50e0e; }
nav { display: flex; gap: 2px; padding: 4px 8px 0; border-bottom: 1px solid #e4e7eb; }
nav button { border: 0; border-bottom: 2px solid transparent; background: none; padding: 4px 6px; font: inherit; cursor: pointer; }
nav button[aria-selected=true] { border-bottom-color: #1a73e8; color: #1a73e8; }
main { flex: 1; overflow: auto; padding: 6px 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 2px 4px; border-bottom: 1px solid #f0f2f4; }
td code { white-space: pre-wrap; word-break: break-all; }
button { font: inherit; cursor: pointer; }
.actions { display: flex; gap: 4px; }
.empty { color: #5f6368; }
.kind.conflict, .kind.rejected, .kind.error { color: #a50e0e; }
`;
