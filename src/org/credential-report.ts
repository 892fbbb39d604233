/**
 * The IAM credential report: CSV text with one row per user and a `<root_account>` row. Cells use
 * `N/A`, `not_supported` and `no_information` instead of values; each becomes null (or a status
 * field where the difference matters to a rule).
 */
import { parse } from 'csv-parse/sync'
import type {
  AccessKeyReport,
  CredentialReportRow,
  PasswordLastUsedStatus,
  SigningCertReport,
} from './account-state.js'
import { toIso } from './raw-values.js'

export const ROOT_ACCOUNT_USER = '<root_account>'

/** The columns AWS documents, in order. Unknown extra columns are ignored. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const

type Column = (typeof CREDENTIAL_REPORT_COLUMNS)[number]
type Cells = (column: Column) => string

export type ParsedCredentialReport =
  | { ok: true; users: CredentialReportRow[]; root: CredentialReportRow | null }
  | { ok: false; reason: string }

export function parseCredentialReport(content: string): ParsedCredentialReport {
  const text = looksLikeBase64(content) ? Buffer.from(content, 'base64').toString('utf8') : content
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true })
  } catch (err) {
    return { ok: false, reason: `credential report is not valid CSV: ${(err as Error).message}` }
  }
  const [header, ...body] = records
  if (!header) return { ok: false, reason: 'credential report is empty' }
  const index = new Map(header.map((name, i) => [name, i]))
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((column) => !index.has(column))
  if (missing.length > 0) {
    return { ok: false, reason: `credential report lacks columns: ${missing.join(', ')}` }
  }
  const users: CredentialReportRow[] = []
  let root: CredentialReportRow | null = null
  for (const record of body) {
    const cells: Cells = (column) => record[index.get(column)!] ?? ''
    const row = toRow(cells)
    if (row.user === ROOT_ACCOUNT_USER) root = row
    else users.push(row)
  }
  return { ok: true, users, root }
}

function toRow(cells: Cells): CredentialReportRow {
  const passwordLastUsed = cells('password_last_used')
  return {
    user: cells('user'),
    arn: cells('arn'),
    userCreationTime: reportDate(cells('user_creation_time')),
    passwordEnabled:
      cells('password_enabled') === 'not_supported' ? null : reportBool(cells('password_enabled')),
    passwordLastUsed: reportDate(passwordLastUsed),
    passwordLastUsedStatus: lastUsedStatus(passwordLastUsed),
    passwordLastChanged: reportDate(cells('password_last_changed')),
    passwordNextRotation: reportDate(cells('password_next_rotation')),
    mfaActive: reportBool(cells('mfa_active')),
    accessKeys: [accessKey(cells, 1), accessKey(cells, 2)],
    certs: [cert(cells, 1), cert(cells, 2)],
  }
}

function accessKey(cells: Cells, n: 1 | 2): AccessKeyReport {
  return {
    n,
    active: reportBool(cells(`access_key_${n}_active`)),
    lastRotated: reportDate(cells(`access_key_${n}_last_rotated`)),
    lastUsedDate: reportDate(cells(`access_key_${n}_last_used_date`)),
    lastUsedRegion: reportText(cells(`access_key_${n}_last_used_region`)),
    lastUsedService: reportText(cells(`access_key_${n}_last_used_service`)),
  }
}

function cert(cells: Cells, n: 1 | 2): SigningCertReport {
  return {
    n,
    active: reportBool(cells(`cert_${n}_active`)),
    lastRotated: reportDate(cells(`cert_${n}_last_rotated`)),
  }
}

const PLACEHOLDERS = new Set(['', 'N/A', 'not_supported', 'no_information'])

function reportText(cell: string): string | null {
  return PLACEHOLDERS.has(cell) ? null : cell
}

function reportDate(cell: string): string | null {
  return PLACEHOLDERS.has(cell) ? null : toIso(cell)
}

function reportBool(cell: string): boolean {
  return cell.toLowerCase() === 'true'
}

function lastUsedStatus(cell: string): PasswordLastUsedStatus {
  if (cell === 'N/A' || cell === 'not_supported') return 'not_applicable'
  if (cell === 'no_information' || toIso(cell) === null) return 'no_information'
  return 'used'
}

// The SDK returns the report as bytes; a collector may store them base64-encoded as the wire
// format has them. Plain CSV always starts with the "user" header, which base64 never decodes to.
function looksLikeBase64(content: string): boolean {
  const head = content.trimStart()
  return !head.startsWith('user') && /^[A-Za-z0-9+/=\s]+$/.test(head)
}
