import type { PubAck } from '@nats-io/jetstream';

export interface AckWindowOptions {
  /** Most acknowledgements awaited before one checkpoint write. */
  batchSize: number;
  /** Most publishes outstanding (sent, not yet checkpointed) before `add` makes the producer wait. */
  maxInFlight: number;
  /** Persists the checkpoint: called in position order, only once every earlier publish is acknowledged. */
  commit(position: bigint, acks: PubAck[]): Promise<void>;
  /** Called once when an acknowledgement or a commit fails, so the producer can stop reading. */
  onFailure(err: unknown): void;
}

/**
 * The relay's publish pipeline: publishes go out as fast as the store yields events, and a single committer
 * awaits their acknowledgements in order, batch by batch, writing the checkpoint only after a whole prefix is
 * acknowledged. A crash at any point leaves the checkpoint at or before the last acknowledged event, so a
 * restart republishes at most what was in flight, and JetStream's duplicate window drops those.
 */
export function createAckWindow(options: AckWindowOptions) {
  const queue: { position: bigint; ack: Promise<PubAck> }[] = [];
  let outstanding = 0;
  let failure: { err: unknown } | undefined;
  let closing = false;
  let wakeCommitter: (() => void) | undefined;
  const roomWaiters = new Set<() => void>();

  const failed = () => failure;
  const notifyRoom = () => {
    for (const w of roomWaiters) w();
    roomWaiters.clear();
  };

  const committer = (async () => {
    for (;;) {
      if (queue.length === 0) {
        if (closing) return;
        await new Promise<void>((resolve) => {
          wakeCommitter = resolve;
        });
        wakeCommitter = undefined;
        continue;
      }
      const batch = queue.splice(0, options.batchSize);
      const acks = await Promise.all(batch.map((b) => b.ack));
      await options.commit(batch[batch.length - 1]!.position, acks);
      outstanding -= batch.length;
      notifyRoom();
    }
  })().catch((err: unknown) => {
    failure = { err };
    notifyRoom();
    options.onFailure(err);
  });

  return {
    /** Queues a publish; waits first while too many are outstanding. Throws the committer's failure. */
    async add(position: bigint, ack: Promise<PubAck>): Promise<void> {
      // Observed now so a rejection before the committer reaches it is not an unhandled rejection.
      ack.catch(() => {});
      if (failure) throw failure.err;
      queue.push({ position, ack });
      outstanding++;
      wakeCommitter?.();
      // `failure` is set by the committer while we wait; read it through a call so the narrowing above does not stick.
      while (!failed() && outstanding >= options.maxInFlight) {
        await new Promise<void>((resolve) => roomWaiters.add(resolve));
      }
      const f = failed();
      if (f) throw f.err;
    },
    /** Waits until everything queued is acknowledged and checkpointed. Throws the committer's failure. */
    async drain(): Promise<void> {
      closing = true;
      wakeCommitter?.();
      await committer;
      if (failure) throw failure.err;
    },
  };
}
