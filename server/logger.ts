/** A structured log entry: a level, a message and facts. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [fact: string]: unknown;
}

export type Logger = (entry: LogEntry) => void;

/** One JSON object per line on stdout (errors on stderr), timestamped. */
export const jsonLogger: Logger = (entry) => {
  const line = JSON.stringify({ time: new Date().toISOString(), ...entry });
  if (entry.level === 'error') console.error(line);
  else console.log(line);
};

/** Discards everything (tests, embedding apps with their own logging). */
export const silentLogger: Logger = () => {};
