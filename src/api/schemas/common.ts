import { Type } from 'typebox'

/** Shared schemas: one place, referenced by every route, so the OpenAPI document stays consistent. */

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the problem kind.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'For invalid requests: each field at fault and what is wrong with it.',
      }),
    ),
  },
  { $id: 'Problem', description: 'An RFC 9457 problem document (application/problem+json).' },
)

export const problemRef = Type.Ref('Problem')

export const Uuid = Type.String({ format: 'uuid' })
export const AccountId = Type.String({ pattern: '^\\d{12}$', description: 'A 12-digit AWS account id.' })
export const OuOrRootId = Type.String({
  pattern: '^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$',
  description: 'An organizational unit id (ou-...) or the root id (r-...).',
})

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'nextCursor from the previous page.' })),
}

/** For routes that take no query parameters: an unknown one is a 400 naming it, not ignored. */
export const NoQuery = Type.Object({}, { additionalProperties: false })

/** Standard error responses for routes behind a token. */
export const authErrors = {
  400: problemRef,
  401: problemRef,
  403: problemRef,
  429: problemRef,
}
