import type { StepRequest } from './protocol.js';

/** A version serving a share of one service's traffic in one environment. */
export interface LiveVersion {
  version: string;
  weight: number;
}

/** What runs for one service in one environment: versions with traffic, a blue-green preview, old versions kept idle. */
export interface TargetState {
  service: string;
  environment: string;
  live: LiveVersion[];
  preview: string | null;
  idle: string[];
}

export interface StepOutcome {
  outcome: 'succeeded' | 'failed';
  live: LiveVersion | null;
  detail: string;
}

/** A step failure the control endpoint asked for: the next `times` matching steps fail. */
export interface InjectedFailure {
  service: string;
  environment: string;
  action?: string;
  times: number;
  detail: string;
}

const key = (service: string, environment: string) => `${service}\u0000${environment}`;

/**
 * The agent's model of its fleet: per service and environment, which versions take how much traffic. Each step
 * action changes it the way a traffic router would (Argo Rollouts' setWeight / blue-green preview and switch /
 * rolling batches, as ideas); the weights always sum to 100 when anything is live.
 */
export class Fleet {
  private readonly targets = new Map<string, TargetState>();
  private readonly failures: InjectedFailure[] = [];

  target(service: string, environment: string): TargetState {
    const k = key(service, environment);
    let t = this.targets.get(k);
    if (!t) {
      t = { service, environment, live: [], preview: null, idle: [] };
      this.targets.set(k, t);
    }
    return t;
  }

  list(): TargetState[] {
    return [...this.targets.values()];
  }

  /** Sets what is live, as an operator (or a test) would before the first deployment. */
  seed(service: string, environment: string, live: LiveVersion[]): TargetState {
    const t = this.target(service, environment);
    t.live = live.map((l) => ({ ...l }));
    t.preview = null;
    t.idle = [];
    return t;
  }

  injectFailure(f: InjectedFailure): void {
    this.failures.push({ ...f });
  }

  weightOf(service: string, environment: string, version: string): number {
    return this.target(service, environment).live.find((l) => l.version === version)?.weight ?? 0;
  }

  private takeFailure(r: StepRequest): InjectedFailure | undefined {
    const i = this.failures.findIndex(
      (f) => f.service === r.service && f.environment === r.environment && (!f.action || f.action === r.step.action),
    );
    if (i < 0) return undefined;
    const f = this.failures[i]!;
    f.times -= 1;
    if (f.times <= 0) this.failures.splice(i, 1);
    return f;
  }

  /** Gives the new version `weight`% and the rest to the version that had the most of it before. */
  private route(t: TargetState, version: string, weight: number): void {
    const others = t.live.filter((l) => l.version !== version).sort((a, b) => b.weight - a.weight);
    const stable = others[0];
    t.live = [{ version, weight }];
    if (stable && weight < 100) t.live.push({ version: stable.version, weight: 100 - weight });
    for (const o of others) if (o !== stable || weight === 100) t.idle = [...new Set([...t.idle, o.version])];
    t.live = t.live.filter((l) => l.weight > 0 || l.version === version);
  }

  apply(r: StepRequest): StepOutcome {
    const t = this.target(r.service, r.environment);
    const version = r.artifact.version;
    const failure = this.takeFailure(r);
    const current = () => ({ version, weight: this.weightOf(r.service, r.environment, version) });
    if (failure) return { outcome: 'failed', live: current(), detail: failure.detail };
    const s = r.step;
    switch (s.action) {
      case 'set-weight':
        this.route(t, version, s.weight ?? 0);
        return { outcome: 'succeeded', live: current(), detail: `${version} takes ${s.weight ?? 0}% of the traffic.` };
      case 'pause':
        return { outcome: 'succeeded', live: current(), detail: 'Nothing to do for a pause.' };
      case 'deploy-preview':
        t.preview = version;
        return { outcome: 'succeeded', live: current(), detail: `${version} runs as the preview, with no traffic.` };
      case 'switch':
        this.route(t, version, 100);
        t.preview = null;
        return { outcome: 'succeeded', live: current(), detail: `${version} is active; the old version is idle.` };
      case 'retire-old':
        t.idle = [];
        return { outcome: 'succeeded', live: current(), detail: 'The old version was stopped.' };
      case 'roll-batch': {
        const weight = Math.min(100, this.weightOf(r.service, r.environment, version) + (s.batchPercent ?? 100));
        this.route(t, version, weight);
        return { outcome: 'succeeded', live: current(), detail: `${weight}% of the instances run ${version}.` };
      }
      case 'rollback': {
        const to = r.rollbackTo?.version ?? null;
        t.live = to ? [{ version: to, weight: 100 }] : [];
        t.preview = null;
        t.idle = t.idle.filter((v) => v !== to && v !== version);
        return {
          outcome: 'succeeded',
          live: { version, weight: 0 },
          detail: to ? `Rolled back to ${to}; ${version} takes no traffic.` : `${version} was removed.`,
        };
      }
    }
  }
}
