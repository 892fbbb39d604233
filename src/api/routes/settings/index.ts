import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { validateRuleSettings } from '../../../rules/index.js'
import type { Store } from '../../../store/index.js'
import type { OrgSettings } from '../../../store/settings-repo.js'
import { Errors } from '../../errors.js'
import { authErrors, NoQuery } from '../../schemas/common.js'

const REGION = '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$'

const Settings = Type.Object(
  {
    allowedRegions: Type.Optional(
      Type.Array(Type.String({ pattern: REGION }), {
        minItems: 1,
        maxItems: 40,
        uniqueItems: true,
        description:
          'Regions the region-allowlist guardrail and the rules judge against (default: ORGWARDEN_ALLOWED_REGIONS).',
      }),
    ),
    rules: Type.Optional(
      Type.Object(
        {
          parameters: Type.Optional(
            Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
              description: "Rule id → parameter → value; see GET /v1/rules for each rule's parameters.",
            }),
          ),
          disabledRules: Type.Optional(
            Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200, uniqueItems: true }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, $id: 'Settings' },
)

const SettingsView = Type.Object({
  settings: Type.Ref('Settings'),
  effective: Type.Object({ allowedRegions: Type.Array(Type.String()) }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
})

/**
 * Organization-wide settings. A sweep records the settings in force when it was asked for, so
 * a change applies from the next sweep and never half-way through one.
 */
export async function settingsRoutes(
  app: FastifyInstance,
  deps: { store: Store; defaultRegions: readonly string[] },
) {
  app.addSchema(Settings)
  const view = async () => {
    const s = await deps.store.settings.get()
    return {
      settings: s.value,
      effective: { allowedRegions: s.value.allowedRegions ?? [...deps.defaultRegions] },
      updatedAt: s.updatedAt?.toISOString() ?? null,
      updatedBy: s.updatedBy,
    }
  }

  app.get(
    '/v1/settings',
    {
      schema: {
        tags: ['findings'],
        summary: 'Rule parameters, disabled rules and allowed regions',
        security: [{ bearer: [] }],
        querystring: NoQuery,
        response: { 200: SettingsView, ...authErrors },
      },
    },
    view,
  )

  app.put(
    '/v1/settings',
    {
      config: { auth: 'write' },
      schema: {
        tags: ['findings'],
        summary:
          'Replace the settings (validated; a bad value is a 400 naming it); applies from the next sweep',
        security: [{ bearer: [] }],
        body: Type.Ref('Settings'),
        response: { 200: SettingsView, ...authErrors },
      },
    },
    async (req) => {
      const body = req.body as OrgSettings
      const problems = validateRuleSettings(body.rules ?? {})
      if (problems.length > 0) {
        const errors = problems.map((p) => ({ field: `body.rules.${p.path}`, message: p.message }))
        throw Object.assign(
          new Errors.InvalidField(errors.map((e) => `${e.field} ${e.message}`).join('; ')),
          {
            fieldErrors: errors,
          },
        )
      }
      await deps.store.settings.put(body, req.principal?.name ?? 'unknown')
      return view()
    },
  )
}
