import { CalendarDate, invalid, PlanningErrorCodes } from '@railyard/contracts';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { slotOn } from '../../trains/domain/slots.js';
import { loadTrain } from '../../trains/train-commands.js';
import { handleReleaseCommand, type ReleaseRouteDeps, sendRelease } from '../release-commands.js';
import { ReleaseIdParams, ReleaseView } from '../release-view.js';

const Body = z.strictObject({ trainId: z.uuid(), slotDate: CalendarDate.describe('A slot day of the train.') });

/** PUT /releases/:id/train-slot — the release rides a train slot; its freeze cutoff becomes the slot's (P2/P4). */
export const attachToSlotRoute: FastifyPluginAsyncZod<ReleaseRouteDeps> = async (app, deps) => {
  app.put(
    '/releases/:id/train-slot',
    {
      config: { roles: ['release-manager'] },
      schema: {
        summary: 'Attach a release to a train slot',
        description: "The release rides a train slot; its freeze cutoff becomes the slot's (P2/P4).",
        tags: ['trains'],
        params: ReleaseIdParams,
        body: Body,
        response: { 200: ReleaseView },
      },
    },
    async (request, reply) => {
      const { trainId, slotDate } = request.body;
      const { train } = await loadTrain(deps.store, trainId);
      const slot = slotOn(train, slotDate);
      if (!slot) {
        throw invalid(PlanningErrorCodes.SLOT_NOT_ON_CADENCE, `${slotDate} is not a slot of train ${train.name}.`, {
          everyWeeks: train.everyWeeks,
          firstSlot: train.firstSlot,
        });
      }
      const handled = await handleReleaseCommand(deps, request, request.params.id, (ctx) => ({
        type: 'AttachToSlot',
        actor: ctx.actor,
        at: ctx.now,
        trainId,
        ...slot,
      }));
      return sendRelease(reply, handled);
    },
  );
};
