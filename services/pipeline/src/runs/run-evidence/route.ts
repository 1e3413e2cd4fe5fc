import { EnvironmentName, LoadTestMetrics, SecurityFinding } from '@railyard/contracts';
import { commandContext, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { RunRouteDeps } from '../run-commands.js';
import { handleRunCommand } from '../run-glue.js';
import { Reason, RunParams, RunView } from '../run-view.js';

const ScanBody = z.strictObject({
  kind: z.enum(['sast', 'dast']),
  tool: z.string().trim().min(1).max(100),
  findings: z.array(SecurityFinding).max(10_000),
  reason: Reason,
});
const LoadTestBody = z.strictObject({ environment: EnvironmentName, metrics: LoadTestMetrics, reason: Reason });
const reporters = { roles: ['deployer', 'developer', 'sre'] as const };

/** What CI reports for the gates to read: SAST/DAST findings (L4) and load-test results (L6). */
export const runEvidenceRoutes: FastifyPluginAsyncZod<RunRouteDeps> = async (app, deps) => {
  app.post(
    '/runs/:id/security-scans',
    {
      config: reporters,
      schema: {
        summary: 'Record SAST or DAST findings of the run',
        tags: ['gates'],
        params: RunParams,
        body: ScanBody,
        response: { 201: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const command = { type: 'RecordSecurityScan' as const, actor: ctx.actor, at: ctx.now, ...request.body };
      await handleRunCommand(deps, reply, request.params.id, command, ctx, 201);
      return reply;
    },
  );
  app.post(
    '/runs/:id/load-tests',
    {
      config: reporters,
      schema: {
        summary: 'Record load-test results of the run',
        tags: ['gates'],
        params: RunParams,
        body: LoadTestBody,
        response: { 201: RunView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const command = { type: 'RecordLoadTest' as const, actor: ctx.actor, at: ctx.now, ...request.body };
      await handleRunCommand(deps, reply, request.params.id, command, ctx, 201);
      return reply;
    },
  );
};
