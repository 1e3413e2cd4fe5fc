import type { Role } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import type { LifecycleCommand } from '../domain/release.decide.js';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView } from '../release-view.js';

const Reason = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/** The lifecycle after CAB approval (P1): start deploying, released, rolled back; and cancel before deploying. */
const TRANSITIONS: {
  path: string;
  type: LifecycleCommand['type'];
  summary: string;
  description: string;
  roles: Role[];
  body?: typeof Reason;
}[] = [
  {
    path: 'deployment',
    type: 'StartDeployment',
    summary: 'Start deploying',
    description: 'A CAB-approved release whose conditions are all acknowledged starts deploying.',
    roles: ['release-manager', 'deployer'],
  },
  {
    path: 'released',
    type: 'MarkReleased',
    summary: 'Mark released',
    description: 'A deploying release is released: the end of its life.',
    roles: ['release-manager', 'deployer'],
  },
  {
    path: 'rollback',
    type: 'RollBackRelease',
    summary: 'Record a rollback',
    description: 'A deploying or released release was rolled back, with the reason.',
    roles: ['release-manager', 'deployer', 'sre'],
    body: Reason,
  },
  {
    path: 'cancel',
    type: 'CancelRelease',
    summary: 'Cancel a release',
    description: 'A release that has not started deploying is cancelled, with the reason.',
    roles: ['release-manager'],
    body: Reason,
  },
];

/** POST /releases/:id/{deployment,released,rollback,cancel}; honour If-Match. */
export const releaseLifecycleRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  for (const t of TRANSITIONS) {
    app.post(
      `/releases/:id/${t.path}`,
      {
        config: { roles: t.roles },
        schema: {
          summary: t.summary,
          description: t.description,
          tags: ['releases'],
          params: ReleaseIdParams,
          ...(t.body ? { body: t.body } : {}),
          response: { 200: ReleaseView },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as { reason?: string };
        const handled = await handleReleaseCommand(
          deps,
          request,
          request.params.id,
          (ctx) => ({ type: t.type, actor: ctx.actor, at: ctx.now, reason: body.reason ?? '' }) as LifecycleCommand,
        );
        return sendRelease(reply, handled);
      },
    );
  }
};
