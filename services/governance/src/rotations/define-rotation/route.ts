import { randomUUID } from 'node:crypto';
import { EnvironmentName, GovernanceErrorCodes, invalid, RotationTurn, rotationStream } from '@railyard/contracts';
import { commandContext, etagOf, type FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { knownHolidayRegion } from '../domain/fairness.js';
import { eligibilityInstant, isKnownZone } from '../domain/rotation-schedule.js';
import type { EligibleMembers } from '../rotation-eligibility.js';
import type { RotationHandler } from '../rotation-store.js';
import { RotationView, rotationView } from '../rotation-view.js';

const instant = z.iso.datetime({ offset: true });
const Body = z.strictObject({
  name: z.string().min(1).max(200),
  environment: EnvironmentName,
  members: z
    .array(z.string().min(1).max(200))
    .min(1)
    .max(100)
    .refine((m) => new Set(m).size === m.length, 'members must be distinct')
    .describe('In turn order.'),
  turn: RotationTurn,
  handoff: z.strictObject({
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm'),
    timeZone: z.string().min(1).max(100).describe('IANA zone, e.g. Europe/Berlin.'),
  }),
  startsAt: instant,
  endsAt: instant.optional(),
  holidays: z
    .strictObject({ country: z.string().length(2), region: z.string().min(1).max(10).optional() })
    .optional()
    .describe('Public holidays to weigh in the fairness ledger (date-holidays country and region).'),
  reason: z.string().max(2000).default(''),
});

export interface DefineRotationDeps {
  rotations: RotationHandler;
  eligibleMembers: EligibleMembers;
  now: () => Date;
}

/**
 * POST /rotations — a deployment-lead rotation (G8). Refused when no member holds a `lead` grant on the environment
 * at the turn in progress (or the first turn); the turn in progress is announced at once (RotationTurnStarted).
 */
export const defineRotationRoute: FastifyPluginAsyncZod<DefineRotationDeps> = async (app, deps) => {
  app.post(
    '/rotations',
    {
      config: { roles: ['release-manager', 'admin'] },
      schema: {
        summary: 'Define a deployment-lead rotation',
        tags: ['rotations'],
        body: Body,
        response: { 201: RotationView },
      },
    },
    async (request, reply) => {
      const ctx = commandContext(request, { now: deps.now() });
      const body = request.body;
      if (body.holidays && !knownHolidayRegion(body.holidays.country, body.holidays.region)) {
        throw invalid(GovernanceErrorCodes.ROTATION_HOLIDAYS_UNKNOWN, 'date-holidays has no data for this region.', {
          holidays: body.holidays,
        });
      }
      const rotationId = randomUUID();
      const def = { ...body, endsAt: body.endsAt ?? null };
      // An unknown zone or an empty span is refused by the decider: eligibility is only asked of a schedule that computes.
      const at = isKnownZone(def.handoff.timeZone) ? eligibilityInstant(def, ctx.now) : null;
      const eligible = at ? await deps.eligibleMembers(body.environment, body.members, at) : [];
      const result = await deps.rotations.handle(
        rotationStream(rotationId),
        {
          type: 'DefineRotation',
          rotationId,
          ...def,
          holidays: body.holidays ?? null,
          eligible,
          actor: ctx.actor.id,
          at: ctx.now,
        },
        ctx,
        { newStream: true },
      );
      return reply
        .code(201)
        .header('location', `/rotations/${rotationId}`)
        .header('etag', etagOf(result.revision))
        .send(rotationView(result.state));
    },
  );
};
