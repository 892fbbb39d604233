import createError from '@fastify/error'

/**
 * Every error the API answers with on purpose. The code becomes the problem `type`
 * (`https://orgwarden.dev/problems/<code>`), so a portal can branch on it.
 */
export const Errors = {
  NotFound: createError<[string]>('not-found', '%s', 404),
  Unauthorized: createError<[string]>('unauthorized', '%s', 401),
  Forbidden: createError<[string]>('forbidden', '%s', 403),
  Conflict: createError<[string]>('conflict', '%s', 409),
  InvalidField: createError<[string]>('invalid-request', '%s', 400),
  SourceUnavailable: createError<[string]>('source-unavailable', '%s', 422),
}

/** A 400 that names the offending field, in the same shape schema validation errors take. */
export function invalidField(field: string, message: string) {
  const err = new Errors.InvalidField(`${field}: ${message}`)
  return Object.assign(err, { fieldErrors: [{ field, message }] })
}
