import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { buildOrgTree } from '../../../org/tree.js'
import { emptySeverityCounts, type SeverityCounts } from '../../../store/accounts-repo.js'
import { SEVERITY_ORDER } from '../../../store/findings-repo.js'
import type { Store } from '../../../store/index.js'
import type { FindingRow } from '../../../store/schema.js'
import { createSummaryRepo } from '../../../store/summary-repo.js'
import { Errors, invalidField } from '../../errors.js'
import { authErrors, problemRef } from '../../schemas/common.js'
import { sweepFor } from '../../sweep-ref.js'
import { SeverityCountsSchema } from '../accounts/index.js'

const SweepId = Type.String({ format: 'uuid' })

const DiffFinding = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  severity: Type.String(),
  status: Type.String({ description: 'The finding status now.' }),
  title: Type.String(),
  accountId: Type.String(),
  accountName: Type.String(),
  resourceArn: Type.String(),
})

const diffView = (f: FindingRow) => ({
  id: f.id,
  ruleId: f.rule_id,
  severity: f.severity,
  status: f.status,
  title: f.title,
  accountId: f.account_id,
  accountName: f.account_name,
  resourceArn: f.resource_arn,
})

export async function summaryRoutes(app: FastifyInstance, deps: { store: Store }) {
  const { store } = deps
  const repo = createSummaryRepo(store.handle.db)

  app.get(
    '/v1/summary',
    {
      schema: {
        tags: ['summary'],
        summary: 'Open findings by severity, rule and top-level OU, and the trend over the last sweeps',
        description:
          'Counts are of findings open now (suppressed ones are not counted). OUs are the top-level OUs of the ' +
          "newest completed sweep's organization, each with its descendants; accounts directly under the root " +
          'are counted under the root. The trend covers the last `sweeps` completed sweeps of that organization, ' +
          'oldest first: findings opened, reopened and resolved by each, and how many were open right after it.',
        security: [{ bearer: [] }],
        querystring: Type.Object(
          { sweeps: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            sweepId: Type.Union([Type.String(), Type.Null()], {
              description: 'The newest completed sweep, whose organization names the OUs.',
            }),
            open: SeverityCountsSchema,
            byRule: Type.Array(
              Type.Object({ ruleId: Type.String(), severity: Type.String(), open: Type.Integer() }),
            ),
            byOu: Type.Array(
              Type.Object({
                ouId: Type.String(),
                name: Type.String(),
                open: SeverityCountsSchema,
              }),
            ),
            trend: Type.Array(
              Type.Object({
                sweepId: Type.String(),
                finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                opened: Type.Integer(),
                reopened: Type.Integer(),
                resolved: Type.Integer(),
                openAfter: Type.Integer(),
              }),
            ),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const n = (req.query as { sweeps?: number }).sweeps ?? 10
      const latest = await store.sweeps.latestCompleted()
      const [bySeverity, byRule, byTop, trend] = await Promise.all([
        repo.openBySeverity(),
        repo.openByRule(),
        repo.openByTopLevel(),
        repo.trend(n, latest?.organization_id),
      ])
      const open = emptySeverityCounts()
      for (const r of bySeverity) {
        open[r.severity] += r.n
        open.total += r.n
      }
      const snapshot = latest ? await store.sweeps.orgSnapshot(latest.id) : undefined
      const tree = snapshot ? buildOrgTree(snapshot) : undefined
      const byOu = new Map<string, { ouId: string; name: string; open: SeverityCounts }>()
      if (tree) {
        for (const root of tree.snapshot.roots) {
          for (const child of tree.children(root.id)) {
            const node = tree.node(child)
            if (node?.type === 'ORGANIZATIONAL_UNIT')
              byOu.set(child, { ouId: child, name: node.name, open: emptySeverityCounts() })
          }
          byOu.set(root.id, {
            ouId: root.id,
            name: `${root.name} (accounts directly under it)`,
            open: emptySeverityCounts(),
          })
        }
      }
      for (const r of byTop) {
        const key = r.top || r.root
        let entry = byOu.get(key)
        if (!entry) {
          // An OU no longer in the organization: its findings still count, under its id.
          entry = { ouId: key, name: key, open: emptySeverityCounts() }
          byOu.set(key, entry)
        }
        entry.open[r.severity] += r.n
        entry.open.total += r.n
      }
      const rank = (s: string) => SEVERITY_ORDER.indexOf(s as never)
      return {
        sweepId: latest?.id ?? null,
        open,
        byRule: byRule
          .map((r) => ({ ruleId: r.ruleId, severity: r.severity, open: r.n }))
          .sort(
            (a, b) =>
              b.open - a.open || rank(b.severity) - rank(a.severity) || a.ruleId.localeCompare(b.ruleId),
          ),
        byOu: [...byOu.values()],
        trend: trend.map((p) => ({
          sweepId: p.sweep.id,
          finishedAt: p.sweep.finished_at?.toISOString() ?? null,
          opened: p.opened,
          reopened: p.reopened,
          resolved: p.resolved,
          openAfter: p.openAfter,
        })),
      }
    },
  )

  app.get(
    '/v1/sweeps/:id/diff',
    {
      schema: {
        tags: ['summary'],
        summary: 'Findings opened and resolved between two sweeps',
        description:
          "A finding's state after a sweep is its latest lifecycle transition (opened, reopened, resolved) recorded by " +
          'that sweep or an earlier one. `opened` lists findings open after `:id` but not after `against` (new or ' +
          'reopened); `resolved` the reverse. Changes that cancel out in between are not listed; suppression is not a ' +
          'change. Lists are capped at `limit`; the counts are complete.',
        security: [{ bearer: [] }],
        params: Type.Object({ id: SweepId }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            against: Type.String({
              format: 'uuid',
              description: 'The sweep to compare with (usually an earlier one).',
            }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            sweepId: Type.String(),
            against: Type.String(),
            openedCount: Type.Integer(),
            resolvedCount: Type.Integer(),
            opened: Type.Array(DiffFinding),
            resolved: Type.Array(DiffFinding),
          }),
          404: problemRef,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string }
      const q = req.query as { against: string; limit?: number }
      const to = await sweepFor(store, id)
      if (q.against === id) throw invalidField('querystring.against', 'must name another sweep')
      const from = await store.sweeps.get(q.against)
      if (!from) throw new Errors.NotFound(`sweep ${q.against} does not exist`)
      if (from.organization_id && to.organization_id && from.organization_id !== to.organization_id)
        throw invalidField('querystring.against', `is a sweep of organization ${from.organization_id}`)
      const diff = await repo.diff(from, to, q.limit ?? 1000)
      return {
        sweepId: to.id,
        against: from.id,
        openedCount: diff.openedCount,
        resolvedCount: diff.resolvedCount,
        opened: diff.opened.map(diffView),
        resolved: diff.resolved.map(diffView),
      }
    },
  )
}
