import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** payments-dev: its planted mistake is "no password policy" (password-policy.missing). */
export const PAYMENTS_DEV = '415629873065'

// biome-ignore lint/suspicious/noExplicitAny: a snapshot document edited freely by tests
type DemoDocument = any

/** A copy of the demo organization where payments-dev has a policy that passes every check. */
export function withDevPasswordPolicy(demo: DemoDocument): DemoDocument {
  const fixed = structuredClone(demo)
  fixed.accounts[PAYMENTS_DEV].iam.GetAccountPasswordPolicy = {
    PasswordPolicy: {
      MinimumPasswordLength: 16,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      MaxPasswordAge: 90,
      PasswordReusePrevention: 24,
    },
  }
  return fixed
}

/**
 * Writes variants of examples/demo-org.json into a new temporary folder, one `<name>.json` per
 * entry (each made from a fresh copy of the demo), for a source resolver's `snapshotDir`.
 */
export async function writeDemoVariants(
  variants: Record<string, (demo: DemoDocument) => DemoDocument>,
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orgwarden-demo-'))
  const demo = JSON.parse(await readFile(new URL('../../examples/demo-org.json', import.meta.url), 'utf8'))
  for (const [name, make] of Object.entries(variants)) {
    await writeFile(path.join(dir, `${name}.json`), JSON.stringify({ ...make(structuredClone(demo)), name }))
  }
  return dir
}

/** The demo as `before`, and `fixed` where payments-dev has a password policy. */
export const beforeAndFixed = () => writeDemoVariants({ before: (d) => d, fixed: withDevPasswordPolicy })
