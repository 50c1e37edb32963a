// Figure 7: calls to the worker through the page client, against a bare message round trip.
import { CONNECT_MESSAGE_TYPE, PROTOCOL_VERSION } from '../../../protocol/index.ts';
import type { Measurement, SampleBudget } from '../page-protocol.ts';
import { medianLatency, withTimeout } from './timing.ts';
import { syncClient } from './worker-client.ts';

/**
 * A round trip on a port of our own to the worker, with no page client and no worker code
 * beyond Comlink's dispatch: the port is handed over like the client's, then each message is a
 * Comlink `GET` of a plain value (`collections.length`), answered without calling anything.
 */
export async function rawEcho(budget: SampleBudget): Promise<Measurement> {
  const worker = navigator.serviceWorker.controller;
  if (!worker) throw new Error('no service worker controls the bench page');
  const { port1: port, port2 } = new MessageChannel();
  worker.postMessage({ type: CONNECT_MESSAGE_TYPE, port: port2 }, [port2]);
  const answers = new Map<string, () => void>();
  port.onmessage = (message: MessageEvent<{ id: string }>) => {
    answers.get(message.data.id)?.();
    answers.delete(message.data.id);
  };
  let next = 0;
  const send = (message: Record<string, unknown>) =>
    new Promise<void>((resolve) => {
      const id = `bench-echo-${next++}`;
      answers.set(id, resolve);
      port.postMessage({ id, ...message });
    });
  try {
    // A worker may insist on the handshake first on a new port, as the page client sends it.
    const handshake = { type: 'RAW', value: { protocolVersion: PROTOCOL_VERSION } };
    await withTimeout(send({ type: 'APPLY', path: ['handshake'], argumentList: [handshake] }), 10_000, 'the handshake');
    const echo = () => send({ type: 'GET', path: ['collections', 'length'] });
    await withTimeout(echo(), 10_000, 'a bare round trip to the worker');
    return { ms: await medianLatency(budget, echo) };
  } finally {
    port.close();
  }
}

export async function statusCall(budget: SampleBudget): Promise<Measurement> {
  const client = syncClient();
  return { ms: await medianLatency(budget, () => client.status()) };
}

export async function collectionsCall(budget: SampleBudget): Promise<Measurement> {
  const client = syncClient();
  return { ms: await medianLatency(budget, () => client.collections()) };
}
