import type { LocalWriteResult, SyncRecord } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from './change-set.ts';
import type { OutboxEntry, SyncDatabase, WriteReceipt } from './database.ts';
import { type NewMutation, outboxEntry, recordKey } from './outbox.ts';

/** What a write does to its record, decided from the record's current state inside the transaction. */
export interface PlannedWrite {
  record: SyncRecord | null;
  mutation: Omit<NewMutation, 'collection' | 'recordId' | 'before'>;
}

/** Decides a write from its record's current state; null means there is nothing to do. */
export type WritePlan = (current: SyncRecord | undefined) => PlannedWrite | null;

/** Refuses a record about to be written by throwing (a `SyncError`); the collection's schema check. */
export type RecordCheck = (collection: string, record: SyncRecord) => void;

/** The `Idempotency-Key` of a write, and the status its first answer had. */
export interface Idempotency {
  key: string;
  fingerprint: string;
  status: number;
}

/** A committed write's answer; `isReplay` when an earlier dispatch of the same request made it. */
export interface WriteAnswer extends LocalWriteResult {
  status: number | null;
  isReplay: boolean;
}

/** How a write is answered. */
export interface WriteOptions {
  idempotency?: Idempotency | undefined;
  /** Whether the answer counts the record's pending mutations (default true); a bulk write skips that read. */
  isCounted?: boolean;
}

interface WriteIntent {
  collection: string;
  id: string;
  plan: WritePlan;
  idempotency: Idempotency | undefined;
  isCounted: boolean;
  resolve(answer: WriteAnswer): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes that arrive while a transaction commits are committed together in the
 * next one (one strict-durability transaction per batch, a handful of bulk requests whatever its
 * size). Each write is answered after its own batch committed; a write whose plan or record check
 * throws fails alone, and a failed transaction fails only the writes of its batch.
 */
export class WriteBatcher {
  readonly #db: SyncDatabase;
  readonly #onCommitted: (changes: ChangeSet) => void;
  readonly #check: RecordCheck;
  #queue: WriteIntent[] = [];
  #isDraining = false;

  /**
   * `onCommitted` hears each batch's changes once it is durable; `check` sees every record as it
   * will be stored (a patch merged) before it is queued.
   */
  constructor(db: SyncDatabase, onCommitted: (changes: ChangeSet) => void, check: RecordCheck = () => {}) {
    this.#db = db;
    this.#onCommitted = onCommitted;
    this.#check = check;
  }

  /** Queues one write; resolves once it is committed with its outbox entry. */
  write(
    collection: string,
    id: string,
    plan: WritePlan,
    { idempotency, isCounted = true }: WriteOptions = {},
  ): Promise<WriteAnswer> {
    return new Promise((resolve, reject) => {
      this.#db.records(collection); // an unknown collection fails now, alone
      this.#queue.push({ collection, id, plan, idempotency, isCounted, resolve, reject });
      // Start after the current task, so writes issued together (a bulk write) share a batch.
      if (this.#queue.length === 1 && !this.#isDraining) queueMicrotask(() => void this.#drain());
    });
  }

  async #drain(): Promise<void> {
    if (this.#isDraining) return;
    this.#isDraining = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        await this.#commit(batch);
      }
    } finally {
      this.#isDraining = false;
    }
  }

  async #commit(batch: WriteIntent[]): Promise<void> {
    let settled: Settled[];
    let changes: ChangeSet;
    try {
      ({ settled, changes } = await this.#runTransaction(batch));
    } catch (error) {
      for (const intent of batch) intent.reject(error);
      return;
    }
    if (changes.size > 0) this.#onCommitted(changes);
    for (const [index, intent] of batch.entries()) {
      const outcome = settled[index] as Settled;
      if ('error' in outcome) intent.reject(outcome.error);
      else intent.resolve(outcome.answer);
    }
  }

  #runTransaction(batch: WriteIntent[]): Promise<{ settled: Settled[]; changes: ChangeSet }> {
    const db = this.#db;
    const stores = [...new Set(batch.map((intent) => intent.collection))].map((name) => db.records(name));
    return db.transaction('rw', [...stores.map((store) => store.table), db.outbox, db.meta, db.receipts], async () => {
      const state = await BatchState.load(db, batch, this.#check);
      const settled = batch.map((intent) => state.apply(intent));
      await state.save();
      return { settled, changes: state.changes };
    });
  }
}

type Settled = { answer: WriteAnswer } | { error: unknown };

/** A batch's working state: current records, pending counts and receipts, read in bulk, written in bulk. */
class BatchState {
  readonly changes: ChangeSet = new Map();
  readonly #db: SyncDatabase;
  readonly #check: RecordCheck;
  readonly #current: Map<string, SyncRecord | undefined>;
  readonly #pending: Map<string, number>;
  readonly #receipts: Map<string, WriteReceipt>;
  readonly #newReceipts: WriteReceipt[] = [];
  readonly #entries: OutboxEntry[] = [];
  #nextSeq: number;

  private constructor(
    db: SyncDatabase,
    check: RecordCheck,
    current: Map<string, SyncRecord | undefined>,
    pending: Map<string, number>,
    receipts: Map<string, WriteReceipt>,
    nextSeq: number,
  ) {
    this.#db = db;
    this.#check = check;
    this.#current = current;
    this.#pending = pending;
    this.#receipts = receipts;
    this.#nextSeq = nextSeq;
  }

  static async load(db: SyncDatabase, batch: WriteIntent[], check: RecordCheck): Promise<BatchState> {
    const byCollection = new Map<string, string[]>();
    for (const { collection, id } of batch) {
      const ids = byCollection.get(collection);
      if (ids) ids.push(id);
      else byCollection.set(collection, [id]);
    }
    const keys = batch.flatMap((intent) => (intent.idempotency ? [intent.idempotency.key] : []));
    const counted = batch.flatMap(({ collection, id, isCounted }) => (isCounted ? [[collection, id]] : []));
    const [records, pendingKeys, receipts, nextSeq] = await Promise.all([
      Promise.all(
        [...byCollection].map(async ([collection, ids]) => {
          const found = await db.records(collection).bulkGet(ids);
          return ids.map((id, index): [string, SyncRecord | undefined] => [recordKey(collection, id), found[index]]);
        }),
      ),
      counted.length > 0 ? db.outbox.where('[collection+recordId]').anyOf(counted).keys() : [],
      keys.length > 0 ? db.receipts.bulkGet(keys) : [],
      db.getMeta<number>('nextSeq'),
    ]);
    const pending = new Map<string, number>();
    for (const [collection, id] of pendingKeys as unknown as [string, string][]) {
      const key = recordKey(collection, id);
      pending.set(key, (pending.get(key) ?? 0) + 1);
    }
    const found = new Map(receipts.flatMap((receipt) => (receipt ? [[receipt.key, receipt] as const] : [])));
    return new BatchState(db, check, new Map(records.flat()), pending, found, nextSeq ?? 1);
  }

  apply(intent: WriteIntent): Settled {
    const key = recordKey(intent.collection, intent.id);
    const { idempotency } = intent;
    const receipt = idempotency && this.#receipts.get(idempotency.key);
    if (receipt) {
      if (receipt.fingerprint !== idempotency.fingerprint) {
        return {
          error: new SyncError(
            'idempotency_key_reused',
            `Idempotency-Key ${idempotency.key} was used for another request; use a new key for each request`,
          ),
        };
      }
      return { answer: { record: receipt.record, pending: receipt.pending, status: receipt.status, isReplay: true } };
    }
    let planned: PlannedWrite | null;
    const before = this.#current.get(key);
    try {
      planned = intent.plan(before);
      if (planned?.record) this.#check(intent.collection, planned.record);
    } catch (error) {
      return { error };
    }
    if (!planned) {
      const pending = this.#pending.get(key) ?? 0;
      return { answer: { record: before ?? null, pending, status: idempotency?.status ?? null, isReplay: false } };
    }
    const { record, mutation } = planned;
    this.#current.set(key, record ?? undefined);
    noteChange(this.changes, intent.collection, intent.id, record);
    this.#entries.push(
      outboxEntry(
        { ...mutation, collection: intent.collection, recordId: intent.id, before: before ?? null },
        this.#nextSeq++,
      ),
    );
    const pending = (this.#pending.get(key) ?? 0) + 1;
    this.#pending.set(key, pending);
    if (idempotency) {
      const { key: receiptKey, fingerprint, status } = idempotency;
      const newReceipt = { key: receiptKey, fingerprint, status, record, pending, at: Date.now() };
      this.#receipts.set(idempotency.key, newReceipt);
      this.#newReceipts.push(newReceipt);
    }
    return { answer: { record, pending, status: idempotency?.status ?? null, isReplay: false } };
  }

  async save(): Promise<void> {
    const db = this.#db;
    if (this.#entries.length === 0) return;
    await Promise.all([
      writeChanges(db, this.changes),
      db.outbox.bulkAdd(this.#entries),
      db.setMeta('nextSeq', this.#nextSeq),
      this.#newReceipts.length > 0 ? db.receipts.bulkPut(this.#newReceipts) : undefined,
    ]);
  }
}
