/** Paths the latency proxy answers itself (never forwarded), for the bench page to steer it. */

/** `POST` here lets the pulls held at the proxy's gate through, and the next ones too. */
export const PULL_GATE_OPEN_PATH = '/__bench/pull-gate/open';
