import { z } from 'zod';

/**
 * Names `schema` as the OpenAPI component `id`: a route whose body or response is this schema (or holds it) refers
 * to `#/components/schemas/<id>` instead of inlining it, and client generators give it that name. Only zod metadata
 * is added (in zod's global registry, which fastify-type-provider-zod reads), so validation and serialization do not
 * change. Ids are global to the process (docs-gen loads every service), so an id another schema already holds is
 * refused here rather than documenting the wrong shape; an input (request) use is named `<id>Input`.
 */
export function schemaComponent<T extends z.ZodType>(id: string, schema: T): T {
  if (z.globalRegistry.get(schema)?.id === id) return schema;
  const earlier = named.get(id);
  if (earlier?.source === schema) return earlier.named as T;
  if (earlier || z.globalRegistry._idmap.has(id)) {
    throw new Error(`the OpenAPI schema component "${id}" is already another schema's name`);
  }
  const component = schema.meta({ id });
  named.set(id, { source: schema, named: component });
  return component;
}

/** The schemas named so far, by id: naming the same schema twice gives the same component. */
const named = new Map<string, { source: z.ZodType; named: z.ZodType }>();

/** A cursor-paginated list of `T`. */
export type PageSchema<T extends z.ZodType> = z.ZodObject<
  { items: z.ZodArray<T>; nextCursor: z.ZodNullable<z.ZodString> },
  z.core.$strip
>;

/**
 * The envelope of a cursor-paginated list, as a component `<name>Page` whose items are the component `<name>` (the
 * item schema named so, unless it already is): `{ items, nextCursor }`, nextCursor null on the last page.
 */
export function pageOf<T extends z.ZodType>(name: string, item: T): PageSchema<T> {
  const earlier = pages.get(name);
  if (earlier?.item === item) return earlier.page as PageSchema<T>;
  const page = schemaComponent(
    `${name}Page`,
    z.object({
      items: z.array(schemaComponent(name, item)),
      nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
    }),
  );
  pages.set(name, { item, page });
  return page;
}

const pages = new Map<string, { item: z.ZodType; page: z.ZodType }>();
