import { parseArgs } from 'node:util';
import { type CliIo, EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';
import { withStore } from './store.js';
import { parseInstant } from './stream.js';
import { type CabReplay, replayCabSubmissions } from './what-if/cab-replay.js';
import { readProposedPolicy } from './what-if/policy-file.js';
import { replaySecurityGates, type SecurityReplay } from './what-if/security-replay.js';

export const WHAT_IF_USAGE = 'railyard what-if --policy FILE.json --from ISO-TIME --to ISO-TIME [--json]';

/**
 * `railyard what-if` (DESIGN §9 F3): re-decides the CAB submissions (a `cab-risk` policy file) or the promotions'
 * security gates (a `security` policy file) recorded between two times under a proposed policy, with the owning
 * services' pure deciders, and lists the decisions that would change and why. It appends nothing: the store is only
 * read. Exit 0 with the report, 1 when a stream it needed does not verify (those decisions are not replayed).
 */
export async function whatIfCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      policy: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}\nusage: ${WHAT_IF_USAGE}`);
  if (!values.policy || !values.from || !values.to) {
    throw new UsageError(`--policy, --from and --to are required\nusage: ${WHAT_IF_USAGE}`);
  }
  const from = parseInstant(values.from, '--from');
  const to = parseInstant(values.to, '--to');
  if (from.getTime() > to.getTime()) throw new UsageError('--from must not be after --to');
  const policy = await readProposedPolicy(values.policy);

  const result = await withStore<{ replays: (CabReplay | SecurityReplay)[]; broken: string[] }>(io, (store) =>
    policy.kind === 'cab-risk'
      ? replayCabSubmissions(store, policy.rules, { from, to, policyId: policy.policyId })
      : replaySecurityGates(store, policy.rules, { from, to, policy: policy.policy }),
  );
  const changed = result.replays.filter((r) => r.changed);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          kind: policy.kind,
          from: from.toISOString(),
          to: to.toISOString(),
          replayed: result.replays.length,
          changed,
          broken: result.broken,
        },
        null,
        2,
      ),
    );
  } else {
    const what = policy.kind === 'cab-risk' ? 'CAB submissions' : 'security gates of promotions';
    io.out(`what-if ${values.policy}: ${what} recorded ${from.toISOString()} .. ${to.toISOString()}`);
    for (const r of changed)
      io.out(policy.kind === 'cab-risk' ? cabLines(r as CabReplay) : securityLines(r as SecurityReplay));
    io.out(`${result.replays.length} decisions re-decided, ${changed.length} would change; nothing was appended.`);
  }
  for (const b of result.broken) io.err(`railyard what-if: not replayed, stream ${b}`);
  return result.broken.length > 0 ? EXIT_FAILURE : EXIT_OK;
}

function cabLines(r: CabReplay): string {
  const a = r.recorded.risk;
  const b = r.proposed.risk;
  return [
    `${r.streamId} round ${r.round} (submitted ${r.submittedAt} by ${r.submittedBy}, policy ${r.policy.id} v${r.policy.version}):`,
    `  risk: score ${a.score} → ${b.score}, level ${a.level} → ${b.level}, quorum ${a.quorum} → ${b.quorum}`,
    ...r.why.map((w) => `  ${w}`),
  ].join('\n');
}

function securityLines(r: SecurityReplay): string {
  return [
    `${r.streamId} ${r.service} → ${r.environment} (decided ${r.decidedAt}, policy ${r.policy}):`,
    ...r.why.map((w) => `  ${w}`),
  ].join('\n');
}
