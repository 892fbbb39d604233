/**
 * The snapshot file: an organization and the raw AWS responses of its accounts, captured once
 * and replayed by the snapshot source (demos, tests, benchmarks, offline audits).
 *
 * {
 *   "format": "orgwarden.snapshot/v1", "name", "description", "capturedAt",
 *   "organization": OrgSnapshot,
 *   "accounts": { "<accountId>": RawAccountData | { "unreachable": "<reason>" } }
 * }
 */
import Type from 'typebox'
import { Compile } from 'typebox/compile'
import type { TLocalizedValidationError } from 'typebox/error'
import { pointerToPath } from './json-path.js'
import { OrgSnapshotSchema } from './org-snapshot-schema.js'
import type { RawAccountData } from './raw-account-data.js'
import { RawAccountDataSchema } from './raw-account-schema.js'
import { checkSnapshotIntegrity, type SnapshotProblem } from './snapshot-integrity.js'
import type { OrgSnapshot } from './types.js'

export type { SnapshotProblem } from './snapshot-integrity.js'

export const SNAPSHOT_FORMAT = 'orgwarden.snapshot/v1'

/** An account the capture could not read, with a reason a person can act on. */
export interface UnreachableAccount {
  unreachable: string
}

export type SnapshotAccountEntry = RawAccountData | UnreachableAccount

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT
  name: string
  description: string
  capturedAt: string
  organization: OrgSnapshot
  accounts: Record<string, SnapshotAccountEntry>
}

export function isUnreachableEntry(entry: SnapshotAccountEntry): entry is UnreachableAccount {
  return typeof (entry as Partial<UnreachableAccount>).unreachable === 'string'
}

/** The file is not a valid snapshot; `problems` lists every one found, with its JSON path. */
export class SnapshotFileError extends Error {
  override readonly name = 'SnapshotFileError'
  constructor(
    readonly problems: SnapshotProblem[],
    readonly source?: string,
  ) {
    super(describe(problems, source))
  }
}

// Accounts are checked one by one (below) so a mistake in one entry is reported against the
// branch it meant, data or unreachable, rather than as a failed union of both.
export const SnapshotEnvelopeSchema = Type.Object(
  {
    format: Type.Literal(SNAPSHOT_FORMAT),
    name: Type.String({ minLength: 1 }),
    description: Type.String(),
    capturedAt: Type.String({ format: 'date-time' }),
    organization: OrgSnapshotSchema,
    accounts: Type.Record(Type.String(), Type.Object({})),
  },
  { additionalProperties: false },
)

export const UnreachableAccountSchema = Type.Object(
  { unreachable: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
)

const envelope = Compile(SnapshotEnvelopeSchema)
const rawAccount = Compile(RawAccountDataSchema)
const unreachableAccount = Compile(UnreachableAccountSchema)

/**
 * Validates a parsed JSON value as a snapshot file. Throws SnapshotFileError naming the JSON
 * path of each problem. `source` (a file name) only decorates the message.
 */
export function parseSnapshotFile(json: unknown, source?: string): SnapshotFile {
  const format = (json as { format?: unknown } | null)?.format
  if (typeof format === 'string' && format !== SNAPSHOT_FORMAT) {
    const message = `unsupported format "${format}"; this version reads "${SNAPSHOT_FORMAT}"`
    throw new SnapshotFileError([{ path: '$.format', message }], source)
  }
  const problems = toProblems(envelope.Errors(json), '', json)
  if (problems.length > 0) throw new SnapshotFileError(problems, source)
  const file = json as SnapshotFile

  for (const [id, entry] of Object.entries(file.accounts)) {
    const validator = 'unreachable' in entry ? unreachableAccount : rawAccount
    problems.push(...toProblems(validator.Errors(entry), `/accounts/${escapePointer(id)}`, json))
  }
  if (problems.length === 0) problems.push(...checkSnapshotIntegrity(file.organization, file.accounts))
  if (problems.length > 0) throw new SnapshotFileError(problems, source)
  return file
}

function toProblems(
  errors: TLocalizedValidationError[],
  prefix: string,
  document: unknown,
): SnapshotProblem[] {
  const seen = new Set<string>()
  const out: SnapshotProblem[] = []
  for (const error of errors) {
    // TypeBox reports a forbidden property twice (as "schema is false" and as
    // additionalProperties); the second names the property, so keep only that one.
    if (error.keyword === 'boolean') continue
    const problem = { path: pointerToPath(prefix + error.instancePath, document), message: explain(error) }
    const key = `${problem.path} ${problem.message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(problem)
    }
  }
  return out
}

function explain(error: TLocalizedValidationError): string {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    case 'const':
      return `must be ${JSON.stringify(error.params.allowedValue)}`
    case 'additionalProperties':
      return `has unknown properties: ${error.params.additionalProperties.join(', ')}`
    default:
      return error.message
  }
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1')
}

const SHOWN = 5

function describe(problems: SnapshotProblem[], source: string | undefined): string {
  const head = `invalid snapshot file${source ? ` ${source}` : ''}`
  const shown = problems.slice(0, SHOWN).map((p) => `${p.path} ${p.message}`)
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : ''
  return `${head}: ${shown.join('; ')}${more}`
}
