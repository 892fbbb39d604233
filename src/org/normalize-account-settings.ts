/**
 * Account-wide IAM settings: password policy, account summary, MFA devices (and from them the
 * kind of MFA the root user has) and server certificates.
 */
import type {
  AccountSummary,
  CredentialReportRow,
  PasswordPolicy,
  RootMfaKind,
  ServerCertificate,
  VirtualMfaDevice,
} from './account-state.js'
import type {
  RawPasswordPolicy,
  RawServerCertificateMetadata,
  RawVirtualMfaDevice,
} from './raw-account-data.js'
import { asArray, bool, isSafeKey, numOrNull, str, strOrNull, toIso } from './raw-values.js'

export function toPasswordPolicy(raw: RawPasswordPolicy): PasswordPolicy {
  const expirePasswords = bool(raw.ExpirePasswords)
  return {
    minimumPasswordLength: numOrNull(raw.MinimumPasswordLength),
    requireSymbols: bool(raw.RequireSymbols),
    requireNumbers: bool(raw.RequireNumbers),
    requireUppercaseCharacters: bool(raw.RequireUppercaseCharacters),
    requireLowercaseCharacters: bool(raw.RequireLowercaseCharacters),
    allowUsersToChangePassword: bool(raw.AllowUsersToChangePassword),
    expirePasswords,
    // IAM reports MaxPasswordAge only when passwords expire; 0 would read as "expires at once".
    maxPasswordAge: expirePasswords ? positiveOrNull(raw.MaxPasswordAge) : null,
    passwordReusePrevention: positiveOrNull(raw.PasswordReusePrevention),
    hardExpiry: bool(raw.HardExpiry),
  }
}

export function toAccountSummary(map: Record<string, number>): AccountSummary {
  const raw: Record<string, number> = {}
  for (const [key, value] of Object.entries(map)) {
    const n = numOrNull(value)
    if (n !== null && isSafeKey(key)) raw[key] = n
  }
  return {
    accountMfaEnabled: (raw.AccountMFAEnabled ?? 0) > 0,
    accountAccessKeysPresent: (raw.AccountAccessKeysPresent ?? 0) > 0,
    accountSigningCertificatesPresent: (raw.AccountSigningCertificatesPresent ?? 0) > 0,
    users: raw.Users ?? null,
    groups: raw.Groups ?? null,
    roles: raw.Roles ?? null,
    policies: raw.Policies ?? null,
    mfaDevices: raw.MFADevices ?? null,
    mfaDevicesInUse: raw.MFADevicesInUse ?? null,
    raw,
  }
}

export function toVirtualMfaDevice(raw: RawVirtualMfaDevice): VirtualMfaDevice {
  return {
    serialNumber: str(raw.SerialNumber),
    userArn: strOrNull(raw.User?.Arn),
    enableDate: toIso(raw.EnableDate),
  }
}

export function toServerCertificate(raw: RawServerCertificateMetadata): ServerCertificate {
  return {
    name: str(raw.ServerCertificateName),
    arn: str(raw.Arn),
    id: str(raw.ServerCertificateId),
    path: str(raw.Path, '/'),
    uploadDate: toIso(raw.UploadDate),
    expiration: toIso(raw.Expiration),
  }
}

export interface RootMfaInputs {
  accountId: string
  summary: AccountSummary | null
  root: CredentialReportRow | null
  /** null when ListVirtualMFADevices could not be read. */
  virtualDevices: VirtualMfaDevice[] | null
}

/**
 * No API names the root user's MFA kind. It is inferred: MFA on, and a virtual device assigned
 * to `arn:...:iam::<id>:root` → virtual; MFA on and no such device → hardware (a TOTP token or a
 * FIDO key, which ListVirtualMFADevices does not list).
 */
export function rootMfaKind({ accountId, summary, root, virtualDevices }: RootMfaInputs): RootMfaKind {
  // The summary's AccountMFAEnabled is about the root user; the report row is the fallback.
  const mfaOn = summary?.accountMfaEnabled ?? root?.mfaActive ?? null
  if (mfaOn === null) return 'unknown'
  if (!mfaOn) return 'none'
  if (virtualDevices === null) return 'unknown'
  const isRootArn = (arn: string | null) => arn !== null && isRootUserArn(arn, accountId)
  return virtualDevices.some((device) => isRootArn(device.userArn)) ? 'virtual' : 'hardware'
}

export function isRootUserArn(arn: string, accountId: string): boolean {
  const parts = arn.split(':')
  return (
    parts.length === 6 &&
    parts[0] === 'arn' &&
    parts[2] === 'iam' &&
    parts[4] === accountId &&
    parts[5] === 'root'
  )
}

export function virtualDevices(list: RawVirtualMfaDevice[] | undefined): VirtualMfaDevice[] {
  return asArray(list)
    .filter((device) => device)
    .map(toVirtualMfaDevice)
}

function positiveOrNull(value: unknown): number | null {
  const n = numOrNull(value)
  return n !== null && n > 0 ? n : null
}
