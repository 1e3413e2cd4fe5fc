import { NoticeKind } from '@railyard/contracts';
import type { EventStore } from '@railyard/eventstore';
import type { FastifyPluginAsyncZod } from '@railyard/service-kit';
import { z } from 'zod';
import { TEMPLATE_VARIABLES } from '../domain/notice-template.js';
import { currentTemplate, TemplateView } from '../notice-store.js';

/** GET /notice-templates/:kind — the template in force and the variables it may use. */
export const getTemplateRoute: FastifyPluginAsyncZod<{ store: EventStore }> = async (app, { store }) => {
  app.get(
    '/notice-templates/:kind',
    {
      config: { roles: ['release-manager', 'sre', 'deployment-lead', 'auditor', 'admin'] },
      schema: {
        summary: 'A notice template',
        tags: ['communications'],
        params: z.strictObject({ kind: NoticeKind }),
        response: { 200: TemplateView },
      },
    },
    async (request) => {
      const { kind } = request.params;
      const t = await currentTemplate(store, kind);
      return {
        kind,
        ...t,
        variables: { names: [...TEMPLATE_VARIABLES[kind].names], lists: TEMPLATE_VARIABLES[kind].lists },
      };
    },
  );
};
