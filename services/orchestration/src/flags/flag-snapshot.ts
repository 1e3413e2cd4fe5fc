import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { MemoryStorage } from '@openfeature/flagd-core';
import {
  type EventCatalogue,
  type FlagEvent,
  type FlagSegmentEvent,
  flagEvents,
  flagSegmentEvents,
  parseStreamName,
  type TargetingRule,
} from '@railyard/contracts';
import { type EventStore, type RecordedEvent, upcastRecorded } from '@railyard/eventstore';
import { canonicalJson, type Logger } from '@railyard/service-kit';
import { evolveFlag, type Flag, type FlagAggregateState } from './domain/flag.js';
import { bucketsByTargetingKey, flagdConfiguration, isSplit, loadFlagd } from './domain/flag-set.js';
import { evolveSegment, type SegmentState } from './domain/segment.js';

export const FLAG_CATEGORIES = ['flag', 'flagSegment'] as const;
const flagCatalogue = flagEvents as unknown as EventCatalogue;
const segmentCatalogue = flagSegmentEvents as unknown as EventCatalogue;

type JsonValue = TargetingRule[string];
export type EvaluationContext = Record<string, JsonValue>;

/** One flag's answer in OFREP's terms (open-feature/protocol, service/openapi.yaml). */
export type Evaluation =
  | {
      ok: true;
      key: string;
      reason: 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT' | 'DISABLED';
      variant: string;
      value: JsonValue;
      metadata: Record<string, string | number | boolean>;
    }
  | {
      ok: false;
      status: 400 | 404;
      key: string;
      errorCode: 'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING' | 'GENERAL';
      errorDetails: string;
    };

interface PreparedFlag {
  /** It buckets by targeting key: a context without one is TARGETING_KEY_MISSING. */
  keyed: boolean;
  /** Its whole targeting is one `fractional`: a match is reason SPLIT. */
  split: boolean;
  /** The answer's metadata: the definition's, the revision, and `killed` when the switch is on. */
  metadata: Readonly<Record<string, string | number | boolean>>;
  /** OFREP success bodies already serialised, by reason, then variant: the same for every caller of this version. */
  bodies: Map<string, Map<string, string>>;
}

/** A flag as the snapshot holds it, with the revision of its stream. */
export type SnapshotFlag = Flag & { revision: bigint; updatedAt: string };

/**
 * The in-memory flag set OFREP evaluates against: an in-process projection of the `flag` and `flagSegment`
 * streams, caught up from the store at start and then following it (each replica keeps its own, so no lease).
 * A request never reads the store; the flagd storage is recompiled lazily after a change, once.
 */
export class FlagSnapshot {
  private readonly flags = new Map<string, SnapshotFlag>();
  private readonly segments = new Map<string, TargetingRule>();
  private compiled: MemoryStorage | undefined;
  private compiledSegments: Record<string, TargetingRule> = {};
  /** Per flag, what each request would otherwise work out again: worked out once per change of the flag set. */
  private readonly prepared = new Map<string, PreparedFlag>();
  private caughtUp = false;
  private failure: unknown;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  /** The global position of the last event applied: the version of the flag set. */
  position = 0n;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly retryMs = 1_000,
  ) {}

  /** Folds one recorded event of the flag categories (upcast first, like every reader of the log). */
  apply(recorded: RecordedEvent): void {
    const { category } = parseStreamName(recorded.streamId);
    if (category === 'flag') {
      const event = upcastRecorded(flagCatalogue, recorded);
      const key = (event.data as { key: string }).key;
      const before: FlagAggregateState = this.flags.get(key) ?? { exists: false };
      const after = evolveFlag(before, { type: event.type, data: event.data } as FlagEvent);
      if (after.exists) {
        this.flags.set(key, { ...after, revision: recorded.revision, updatedAt: recorded.metadata.occurredAt });
      }
    } else if (category === 'flagSegment') {
      const event = upcastRecorded(segmentCatalogue, recorded);
      const name = (event.data as { name: string }).name;
      const before: SegmentState = this.segments.has(name)
        ? { exists: true, name, rule: this.segments.get(name)! }
        : { exists: false };
      const after = evolveSegment(before, { type: event.type, data: event.data } as FlagSegmentEvent);
      if (after.exists) this.segments.set(name, after.rule);
    } else {
      return;
    }
    if (recorded.position > this.position) this.position = recorded.position;
    this.compiled = undefined;
  }

  /** Starts following the store; resolves at once (readiness says when the snapshot has caught up). */
  start(): void {
    this.loop ??= this.follow(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const filter = { categories: [...FLAG_CATEGORIES] };
    while (!signal.aborted) {
      try {
        const head = await this.store.headPosition(filter);
        if (head <= this.position) this.caughtUp = true;
        this.failure = undefined;
        for await (const event of this.store.subscribe({ after: this.position, filter, signal })) {
          this.apply(event);
          if (!this.caughtUp && this.position >= head) {
            this.caughtUp = true;
            this.logger.info({ position: String(this.position), flags: this.flags.size }, 'flag snapshot caught up');
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        // The store went away (Postgres restarted, backends killed): keep serving the last snapshot, say so in
        // readiness, and resume from the last applied position.
        this.failure = error;
        this.logger.warn({ err: error, position: String(this.position) }, 'flag snapshot lost the store; retrying');
        await delay(this.retryMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** For /health/ready: fails until the snapshot has caught up, and while it cannot follow the store. */
  readonly readiness = async (): Promise<void> => {
    if (this.failure) throw new Error('the flag snapshot cannot follow the store');
    if (!this.caughtUp) throw new Error('the flag snapshot is still catching up');
  };

  get(key: string): SnapshotFlag | undefined {
    return this.flags.get(key);
  }

  list(): SnapshotFlag[] {
    return [...this.flags.values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  segmentRules(): Record<string, TargetingRule> {
    return Object.fromEntries(this.segments);
  }

  private storage(): MemoryStorage {
    if (!this.compiled) {
      this.compiledSegments = this.segmentRules();
      // Not strict: every definition was validated when it was decided; a later schema change must not take the
      // whole flag set down.
      this.compiled = loadFlagd(flagdConfiguration(this.flags, this.compiledSegments), false);
      // What each request would otherwise work out by walking the targeting: once per change instead.
      this.prepared.clear();
      for (const [key, flag] of this.flags) {
        const targeting = flag.killed ? undefined : flag.definition.targeting;
        // Frozen: every answer of this version shares it (the response is serialised, never changed).
        const metadata = Object.freeze({
          ...flag.definition.metadata,
          revision: Number(flag.revision),
          ...(flag.killed ? { killed: true } : {}),
        });
        this.prepared.set(key, {
          keyed: bucketsByTargetingKey(targeting, this.compiledSegments),
          split: isSplit(targeting),
          metadata,
          bodies: new Map(),
        });
      }
    }
    return this.compiled;
  }

  /** Evaluates one flag for a context, with flagd-core, against the current snapshot. */
  evaluate(key: string, context: EvaluationContext): Evaluation {
    const flag = this.flags.get(key);
    const served = flag ? this.storage().getFlag(key) : undefined;
    const prepared = this.prepared.get(key);
    if (!flag || !served || !prepared) {
      return { ok: false, status: 404, key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `No flag "${key}".` };
    }
    const { metadata } = prepared;
    if (!flag.killed && flag.definition.state === 'DISABLED') {
      // OFREP 0.3 lets a disabled flag omit `value` (the caller keeps its code default), but the registry's OFREP
      // provider (0.1.3) treats a success without `value` as malformed: serve the default variant, reason DISABLED.
      const variant = flag.definition.defaultVariant;
      return { ok: true, key, reason: 'DISABLED', variant, value: flag.definition.variants[variant] ?? null, metadata };
    }
    const targetingKey = context.targetingKey;
    if ((typeof targetingKey !== 'string' || targetingKey === '') && prepared.keyed) {
      return {
        ok: false,
        status: 400,
        key,
        errorCode: 'TARGETING_KEY_MISSING',
        errorDetails: `The flag "${key}" splits by targeting key: the context needs a non-empty "targetingKey".`,
      };
    }
    // Bodies are parsed JSON, so every value of the context is one flagd-core can read.
    const result = served.evaluate(context as Parameters<typeof served.evaluate>[0]);
    if (result.reason === 'ERROR') {
      return {
        ok: false,
        status: 400,
        key,
        errorCode: 'GENERAL',
        errorDetails: result.errorMessage ?? 'the evaluation failed',
      };
    }
    const reason = result.reason === 'TARGETING_MATCH' && prepared.split ? 'SPLIT' : result.reason;
    return {
      ok: true,
      key,
      reason: reason as 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DEFAULT',
      variant: result.variant ?? flag.definition.defaultVariant,
      value: result.value as JsonValue,
      metadata,
    };
  }

  /**
   * The OFREP success body of an evaluation as JSON text, `{key, reason, variant, value, metadata}`. Everything in
   * it follows from the flag's version, the reason and the variant, so each combination is serialised once per
   * version of the flag set (a few per flag) and then reused: the single-flag route sends it as it is.
   */
  successBody(e: Extract<Evaluation, { ok: true }>): string {
    const prepared = this.compiled ? this.prepared.get(e.key) : undefined;
    // Only an answer of the current version is cached (the set may have changed since `e` was worked out).
    const cache = prepared && prepared.metadata === e.metadata ? prepared.bodies : undefined;
    let byVariant = cache?.get(e.reason);
    let text = byVariant?.get(e.variant);
    if (text === undefined) {
      text = JSON.stringify({ key: e.key, reason: e.reason, variant: e.variant, value: e.value, metadata: e.metadata });
      if (cache) {
        if (!byVariant) {
          byVariant = new Map();
          cache.set(e.reason, byVariant);
        }
        byVariant.set(e.variant, text);
      }
    }
    return text;
  }

  /** Evaluates every flag (disabled ones answer DISABLED), in key order. */
  evaluateAll(context: EvaluationContext): Evaluation[] {
    return this.list().map((flag) => this.evaluate(flag.key, context));
  }

  /**
   * The bulk answer's entity tag: the flag set's version and the context, since the answer depends on both.
   * A client holding it gets 304 until a flag changes.
   */
  etag(context: EvaluationContext): string {
    const digest = createHash('sha256').update(String(this.position)).update('\u0000').update(canonicalJson(context));
    return `"${digest.digest('base64url').slice(0, 27)}"`;
  }
}
