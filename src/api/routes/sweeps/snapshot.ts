import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { SNAPSHOT_FORMAT } from '../../../org/snapshot-file.js'
import type { OrgSnapshot } from '../../../org/types.js'
import type { Store } from '../../../store/index.js'
import { Errors } from '../../errors.js'
import { authErrors, NoQuery, problemRef } from '../../schemas/common.js'
import { SweepParams } from './schemas.js'

/**
 * `GET /v1/sweeps/:id/snapshot`: the sweep's organization and raw per-account responses in the
 * snapshot-source format, so it can be replayed offline (`ORGWARDEN_SNAPSHOT_DIR`) or shared
 * for analysis. Accounts without collected data carry the reason as `unreachable`.
 */
export async function sweepSnapshotRoute(app: FastifyInstance, deps: { store: Store }) {
  const db = deps.store.handle.db
  app.get(
    '/v1/sweeps/:id/snapshot',
    {
      schema: {
        tags: ['sweeps'],
        summary: 'Export a finished sweep in the snapshot-source format',
        security: [{ bearer: [] }],
        params: SweepParams,
        querystring: NoQuery,
        response: {
          200: Type.Object(
            {
              format: Type.String(),
              name: Type.String(),
              description: Type.String(),
              capturedAt: Type.String(),
              organization: Type.Object({}, { additionalProperties: true }),
              accounts: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true })),
            },
            { description: 'See examples/README.md for the format.' },
          ),
          404: problemRef,
          409: problemRef,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string }
      const sweep = await deps.store.sweeps.get(id)
      if (!sweep) throw new Errors.NotFound(`sweep ${id} does not exist`)
      if (!sweep.finished_at)
        throw new Errors.Conflict(`sweep ${id} is still ${sweep.status}; export it once it ends`)
      const org = (await deps.store.sweeps.orgSnapshot(id)) as OrgSnapshot | undefined
      if (!org)
        throw new Errors.Conflict(`sweep ${id} never read its organization (${sweep.error ?? 'no snapshot'})`)

      const [outcomes, raws] = await Promise.all([
        db
          .selectFrom('sweep_accounts')
          .select(['account_id', 'status', 'reason'])
          .where('sweep_id', '=', id)
          .execute(),
        db.selectFrom('account_snapshots').select(['account_id', 'raw']).where('sweep_id', '=', id).execute(),
      ])
      const rawById = new Map(raws.map((r) => [r.account_id, r.raw]))
      const outcomeById = new Map(outcomes.map((o) => [o.account_id, o]))
      const accounts: Record<string, unknown> = {}
      for (const account of org.accounts) {
        const raw = rawById.get(account.id)
        if (raw) {
          accounts[account.id] = JSON.parse(raw)
          continue
        }
        const outcome = outcomeById.get(account.id)
        // A suspended account outside the sweep needs no entry; any other needs a reason.
        if (!outcome && account.status !== 'ACTIVE') continue
        accounts[account.id] = {
          unreachable: outcome
            ? `${outcome.status} in sweep ${id}: ${outcome.reason ?? 'no collected data'}`
            : `not in the scope of sweep ${id}`,
        }
      }
      reply.header('content-disposition', `attachment; filename="orgwarden-sweep-${id}.json"`)
      return {
        format: SNAPSHOT_FORMAT,
        name: `sweep-${id}`,
        description: `Exported from Orgwarden sweep ${id} (${sweep.source_kind}:${sweep.source_name})`,
        capturedAt: (sweep.org_read_at ?? sweep.created_at).toISOString(),
        organization: org as unknown as Record<string, unknown>,
        accounts: accounts as Record<string, Record<string, unknown>>,
      }
    },
  )
}
