/**
 * What each guardrail probes, built once from the iam-data catalog:
 * - region-allowlist: one representative write action for every regional service (global
 *   services and those AWS exempts in its own region-deny SCPs are left out);
 * - the other guardrails: the actions that would switch the control off, on the resource it
 *   protects.
 */

import { findAction, type IamCatalog } from '../iam-catalog.js'
import type { GuardrailId } from './guardrail-types.js'
import {
  compileTemplate,
  type ProbeSet,
  type ProbeSpec,
  probeSpec,
  resourceTemplateOf,
} from './probe-specs.js'
import { AWS_COMMERCIAL_REGIONS, DEFAULT_REGION_EXEMPT_SERVICES } from './region-data.js'

export type ProbeScope = 'global' | 'allowed-regions' | 'other-regions'

export interface GuardrailDefinition {
  id: Exclude<GuardrailId, 'region-allowlist'>
  actions: readonly string[]
  scope: ProbeScope
  /** Only the root user is probed (the guardrail is about root). */
  rootOnly: boolean
  /** Resource template overriding the catalog's, e.g. the root user's own ARN. */
  resource?: string
}

export const GUARDRAIL_DEFINITIONS: readonly GuardrailDefinition[] = [
  {
    id: 'deny-leave-organization',
    actions: ['organizations:LeaveOrganization'],
    scope: 'global',
    rootOnly: false,
  },
  {
    id: 'restrict-root-user',
    actions: ['iam:CreateUser', 'ec2:RunInstances', 's3:CreateBucket'],
    scope: 'allowed-regions',
    rootOnly: true,
  },
  {
    id: 'deny-root-access-keys',
    actions: ['iam:CreateAccessKey'],
    scope: 'global',
    rootOnly: true,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an iam-data ARN template, filled per account
    resource: 'arn:${Partition}:iam::${Account}:root',
  },
  {
    id: 'protect-cloudtrail',
    actions: [
      'cloudtrail:DeleteTrail',
      'cloudtrail:StopLogging',
      'cloudtrail:UpdateTrail',
      'cloudtrail:PutEventSelectors',
    ],
    scope: 'allowed-regions',
    rootOnly: false,
  },
  {
    id: 'protect-config',
    actions: [
      'config:DeleteConfigurationRecorder',
      'config:StopConfigurationRecorder',
      'config:DeleteDeliveryChannel',
    ],
    scope: 'allowed-regions',
    rootOnly: false,
  },
  {
    id: 'protect-guardduty',
    actions: [
      'guardduty:DeleteDetector',
      'guardduty:UpdateDetector',
      'guardduty:DisassociateFromAdministratorAccount',
      'guardduty:DisassociateFromMasterAccount',
      'guardduty:StopMonitoringMembers',
    ],
    scope: 'allowed-regions',
    rootOnly: false,
  },
  {
    id: 'protect-security-hub',
    actions: [
      'securityhub:DisableSecurityHub',
      'securityhub:BatchDisableStandards',
      'securityhub:DisassociateFromAdministratorAccount',
      'securityhub:DisassociateFromMasterAccount',
    ],
    scope: 'allowed-regions',
    rootOnly: false,
  },
  {
    id: 'protect-access-analyzer',
    actions: ['access-analyzer:DeleteAnalyzer'],
    scope: 'allowed-regions',
    rootOnly: false,
  },
  {
    id: 'protect-audit-role',
    actions: [
      'iam:DeleteRole',
      'iam:UpdateAssumeRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePolicy',
      'iam:DeleteRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:UpdateRole',
    ],
    scope: 'global',
    rootOnly: false,
  },
]

export interface RegionalProbe {
  service: string
  spec: ProbeSpec
}

export interface GuardrailCatalogOptions {
  regions?: readonly string[]
  exemptServices?: readonly string[]
  /** Name of the trail protect-cloudtrail probes (Control Tower's by default). */
  cloudTrailName?: string
}

export interface GuardrailCatalog {
  iam: IamCatalog
  regions: readonly string[]
  exemptServices: ReadonlySet<string>
  regional: ProbeSet
  /** Regional services with no write action to probe. */
  unprobedServices: string[]
  cloudTrailName: string
  /** Probe sets per guardrail and audit-role name, built on first use. */
  probeSets: Map<string, ProbeSet>
}

const REGION_PLACEHOLDER = '$' + '{Region}'

function regionalTemplate(template: string | undefined): boolean {
  return template !== undefined && template.split(':')[3]?.includes(REGION_PLACEHOLDER) === true
}

/** A service is global when it has resource types and none is regional; no types: regional. */
function isGlobalService(arns: Record<string, string>): boolean {
  const templates = Object.values(arns)
  return templates.length > 0 && !templates.some(regionalTemplate)
}

function pickRepresentative(catalog: IamCatalog, serviceKey: string): ProbeSpec | undefined {
  const service = catalog.services.get(serviceKey)
  if (!service) return undefined
  let best: { score: number; spec: ProbeSpec } | undefined
  for (const action of service.actions) {
    if (!action.accessLevels.includes('Write')) continue
    const template = resourceTemplateOf(catalog, action)
    let score: number
    if (regionalTemplate(template)) score = 0
    else if (action.resourceTypes.length === 0 || action.isWildcardOnly) score = 2
    else continue // acts only on global resources: not a test of the region
    const verb = action.name.slice(action.name.indexOf(':') + 1)
    if (!verb.startsWith('Create')) score += 1
    if (best && best.score <= score) continue
    const resource = template ? compileTemplate(template, {}) : () => '*'
    best = { score, spec: probeSpec(action.name, resource, catalog.rcpServices) }
  }
  return best?.spec
}

export function buildGuardrailCatalog(
  iam: IamCatalog,
  options: GuardrailCatalogOptions = {},
): GuardrailCatalog {
  const exemptServices = new Set(
    (options.exemptServices ?? DEFAULT_REGION_EXEMPT_SERVICES).map((s) => s.toLowerCase()),
  )
  const probes: ProbeSpec[] = []
  const unprobedServices: string[] = []
  for (const key of [...iam.services.keys()].sort()) {
    if (exemptServices.has(key)) continue
    if (isGlobalService(iam.services.get(key)?.resourceArns ?? {})) continue
    const spec = pickRepresentative(iam, key)
    if (spec) probes.push(spec)
    else unprobedServices.push(key)
  }
  return {
    iam,
    regions: options.regions ?? AWS_COMMERCIAL_REGIONS,
    exemptServices,
    regional: { key: 'region-allowlist', probes },
    unprobedServices,
    cloudTrailName: options.cloudTrailName ?? 'aws-controltower-BaselineCloudTrail',
    probeSets: new Map(),
  }
}

/** The probe set of a guardrail, for the given audit-role name. */
export function probeSetFor(
  catalog: GuardrailCatalog,
  def: GuardrailDefinition,
  auditRoleName: string,
): ProbeSet {
  const key = `${def.id}\u0000${auditRoleName}`
  const known = catalog.probeSets.get(key)
  if (known) return known
  const names: Record<string, string> = {
    TrailName: catalog.cloudTrailName,
    RoleNameWithPath: auditRoleName,
    RoleName: auditRoleName,
  }
  const probes = def.actions.map((name) => {
    const action = findAction(catalog.iam, name)
    const template = def.resource ?? (action ? resourceTemplateOf(catalog.iam, action) : undefined)
    return probeSpec(
      action?.name ?? name,
      template ? compileTemplate(template, names) : () => '*',
      catalog.iam.rcpServices,
    )
  })
  const set: ProbeSet = { key, probes }
  catalog.probeSets.set(key, set)
  return set
}
