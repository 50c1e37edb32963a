import { type Remote, wrap } from 'comlink';
import type { ConnectMessage, Handshake, Outcome, WorkerApi } from '../protocol/index.ts';
import { CONNECT_MESSAGE_TYPE, PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';

/** How many times a call is re-sent over a fresh link before giving up. */
const MAX_ATTEMPTS = 3;

/** One port to one worker; `dropped` rejects once the port is abandoned. */
interface Connection {
  api: Remote<WorkerApi>;
  dropped: Promise<never>;
  drop(): void;
}

/**
 * A Comlink link to the active service worker that survives the browser stopping it.
 * A call that gets no answer within the timeout is checked with a ping; if the ping is not
 * answered either, the port is dead: the link reconnects (which wakes the worker) and re-sends.
 * Every call in flight on an abandoned port is re-sent too, so all of them complete or fail clearly.
 */
export class WorkerLink {
  readonly #container: ServiceWorkerContainer;
  readonly #timeoutMs: number;
  #connection: Promise<Connection> | null = null;
  #fatal: SyncError | null = null;

  constructor(container: ServiceWorkerContainer, timeoutMs: number) {
    this.#container = container;
    this.#timeoutMs = timeoutMs;
    // A new worker took over (an update): the old one's port will never answer again.
    container.addEventListener('controllerchange', () => this.#drop());
  }

  /** Opens the link and checks protocol versions; resolves to the worker's sync URL and routes. Throws `version_mismatch` or `worker_unavailable`. */
  async open(): Promise<{ syncUrl: string; routes: string[] }> {
    return this.call((api) => api.handshake({ protocolVersion: PROTOCOL_VERSION }));
  }

  /** Calls the worker, reconnecting and re-sending if the worker was stopped meanwhile. */
  async call<T>(invoke: (api: Remote<WorkerApi>) => Promise<Outcome<T>>): Promise<T> {
    let lastFailure: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (this.#fatal) throw this.#fatal;
      const connection = this.#connect();
      try {
        const outcome = await this.#whileAlive(await connection, invoke);
        if (outcome.ok) return outcome.value;
        throw SyncError.fromWire(outcome);
      } catch (error) {
        if (!(error instanceof DeadLinkError)) throw error;
        lastFailure = error;
        if (this.#connection === connection) this.#drop();
      }
    }
    throw new SyncError(
      'worker_unavailable',
      `The service worker did not answer after ${MAX_ATTEMPTS} attempts: ${String(lastFailure)}`,
    );
  }

  close(): void {
    this.#drop();
    this.#fatal = new SyncError('worker_unavailable', 'This client was closed');
  }

  #connect(): Promise<Connection> {
    if (!this.#connection) {
      const pending: Promise<Connection> = this.#handshake().catch((error: unknown) => {
        if (this.#connection === pending) this.#connection = null;
        throw error;
      });
      this.#connection = pending;
    }
    return this.#connection;
  }

  async #handshake(): Promise<Connection> {
    const registration = await this.#container.ready;
    const worker = registration.active;
    if (!worker) throw new DeadLinkError('no active service worker');
    const channel = new MessageChannel();
    const message: ConnectMessage<MessagePort> = { type: CONNECT_MESSAGE_TYPE, port: channel.port2 };
    worker.postMessage(message, [channel.port2]);
    let drop = () => {};
    const dropped = new Promise<never>((_, reject) => {
      drop = () => {
        channel.port1.close();
        reject(new DeadLinkError('the link was reopened'));
      };
    });
    dropped.catch(() => undefined);
    const connection: Connection = { api: wrap<WorkerApi>(channel.port1), dropped, drop };
    const reply = await this.#withTimeout<Outcome<Handshake>>(
      connection.api.handshake({ protocolVersion: PROTOCOL_VERSION }),
    );
    if (reply === TIMED_OUT) throw new DeadLinkError('no handshake reply');
    const workerVersion = reply.ok ? reply.value.protocolVersion : null;
    if (!reply.ok || workerVersion !== PROTOCOL_VERSION) {
      this.#fatal = new SyncError(
        'version_mismatch',
        reply.ok
          ? `This page speaks protocol ${PROTOCOL_VERSION}, the service worker ${workerVersion}; reload the page`
          : reply.error.message,
      );
      throw this.#fatal;
    }
    return connection;
  }

  /** Waits for a call as long as the worker keeps answering pings and the port is not abandoned. */
  async #whileAlive<T>(connection: Connection, invoke: (api: Remote<WorkerApi>) => Promise<T>): Promise<T> {
    const call = Promise.race([invoke(connection.api), connection.dropped]);
    for (;;) {
      const result = await this.#withTimeout(call);
      if (result !== TIMED_OUT) return result;
      // A long call (a large list) is not a dead worker: only an unanswered ping is.
      const ping = await this.#withTimeout<Outcome<unknown>>(Promise.race([connection.api.ping(), connection.dropped]));
      if (ping === TIMED_OUT) throw new DeadLinkError('the worker stopped answering');
    }
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T | typeof TIMED_OUT> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.#timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  #drop(): void {
    const connection = this.#connection;
    this.#connection = null;
    void connection?.then((open) => open.drop()).catch(() => undefined);
  }
}

const TIMED_OUT = Symbol('timed out');

class DeadLinkError extends Error {
  override name = 'DeadLinkError';
}
