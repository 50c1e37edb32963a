import { BROADCAST_CHANNEL, type WorkerEvent } from '../../protocol/index.ts';

const channel = new BroadcastChannel(BROADCAST_CHANNEL);

/** Tells every open page of this origin what happened. */
export function broadcast(event: WorkerEvent): void {
  channel.postMessage(event);
}
