export type { DockSide } from './dock.ts';
export { type DevtoolsHandle, mountDevtools } from './mount-devtools.ts';
export { DEVTOOLS_URL_FLAG, installDevtoolsTriggers } from './triggers.ts';
export type { View as DevtoolsView } from './views.ts';
