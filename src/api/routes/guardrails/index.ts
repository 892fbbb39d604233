import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { GUARDRAIL_IDS } from '../../../policy/index.js'
import type { Store } from '../../../store/index.js'
import { decodeCursor, encodeCursor } from '../../cursor.js'
import { Errors } from '../../errors.js'
import { AccountId, authErrors, OuOrRootId, PageQuery, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'

const Verdict = Type.Unsafe<'enforced' | 'not-enforced' | 'exempted' | 'not-applicable'>({
  type: 'string',
  enum: ['enforced', 'not-enforced', 'exempted', 'not-applicable'],
})
const GuardrailId = Type.Unsafe<string>({ type: 'string', enum: [...GUARDRAIL_IDS] })

const MatrixQuery = Type.Object(
  {
    ...PageQuery,
    sweepId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Default: the newest completed sweep.' }),
    ),
    ouId: Type.Optional(OuOrRootId),
    guardrailId: Type.Optional(GuardrailId),
    verdict: Type.Optional(Verdict),
  },
  { additionalProperties: false },
)

const isCursor = (v: unknown): v is { a: string } =>
  typeof v === 'object' && v !== null && typeof (v as { a: unknown }).a === 'string'

export async function guardrailRoutes(app: FastifyInstance, deps: { store: Store }) {
  const { store } = deps

  app.get(
    '/v1/guardrails',
    {
      schema: {
        tags: ['guardrails'],
        summary: 'The guardrail matrix: account × guardrail verdicts from one sweep',
        description:
          "Verdicts come from evaluating probe requests through each account's SCP chain (root → OUs → account). " +
          'Filter by OU (with descendants), guardrail and verdict; with a verdict, only accounts having it are listed.',
        security: [{ bearer: [] }],
        querystring: MatrixQuery,
        response: {
          200: Type.Object({
            sweepId: Type.String(),
            guardrails: Type.Array(Type.String()),
            items: Type.Array(
              Type.Object({
                accountId: Type.String(),
                accountName: Type.String(),
                ouPath: Type.String(),
                collection: Type.String({ description: "How the account's collection ended in that sweep." }),
                verdicts: Type.Record(Type.String(), Verdict),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const q = req.query as {
        limit?: number
        cursor?: string
        sweepId?: string
        ouId?: string
        guardrailId?: string
        verdict?: string
      }
      const sweep = await sweepFor(store, q.sweepId)
      const limit = q.limit ?? 50
      const after = q.cursor ? decodeCursor(q.cursor, isCursor).a : undefined
      const rows = await store.guardrails.matrix({
        sweepId: sweep.id,
        ouId: q.ouId,
        guardrailId: q.guardrailId,
        verdict: q.verdict,
        after,
        limit: limit + 1,
      })
      const page = rows.slice(0, limit)
      return {
        sweepId: sweep.id,
        guardrails: q.guardrailId ? [q.guardrailId] : [...GUARDRAIL_IDS],
        items: page,
        nextCursor: rows.length > limit ? encodeCursor({ a: page.at(-1)!.accountId }) : null,
      }
    },
  )

  app.get(
    '/v1/accounts/:accountId/guardrails',
    {
      schema: {
        tags: ['guardrails'],
        summary: "An account's guardrail verdicts with their evidence",
        description:
          'Evidence names the deciding statements (policy, statement, SCP level), the levels without an Allow, ' +
          'the probes that got through, exempt principals, and for the region allowlist the escaping services and regions.',
        security: [{ bearer: [] }],
        params: Type.Object({ accountId: AccountId }, { additionalProperties: false }),
        querystring: Type.Object(
          { sweepId: Type.Optional(Type.String({ format: 'uuid' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            accountId: Type.String(),
            sweepId: Type.String(),
            results: Type.Array(
              Type.Object({
                guardrailId: Type.String(),
                verdict: Verdict,
                evidence: Type.Object({}, { additionalProperties: true }),
              }),
            ),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const { accountId } = req.params as { accountId: string }
      const sweep = await sweepFor(store, (req.query as { sweepId?: string }).sweepId)
      const rows = await store.guardrails.forAccount(sweep.id, accountId)
      if (rows.length === 0) {
        throw new Errors.NotFound(`account ${accountId} has no guardrail results in sweep ${sweep.id}`)
      }
      return {
        accountId,
        sweepId: sweep.id,
        results: rows.map((r) => ({
          guardrailId: r.guardrail_id,
          verdict: r.verdict,
          evidence: r.evidence as Record<string, unknown>,
        })),
      }
    },
  )
}
