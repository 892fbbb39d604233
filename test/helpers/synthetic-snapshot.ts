import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * A larger organization for pipeline tests: the demo organization plus `extra` accounts under
 * its Prod OU, each a copy of payments-prod's collected data under its own account id.
 * Written to a fresh directory that a source resolver (or a worker process) can be pointed at.
 */
export async function writeSyntheticSnapshot(
  extra: number,
  name = 'synthetic-org',
): Promise<{ dir: string; accountIds: string[] }> {
  const demo = JSON.parse(await readFile(new URL('../../examples/demo-org.json', import.meta.url), 'utf8'))
  const template = demo.organization.accounts.find((a: { name: string }) => a.name === 'payments-prod')
  const accountIds: string[] = []
  for (let i = 0; i < extra; i++) {
    const id = String(900000000000 + i)
    accountIds.push(id)
    demo.organization.accounts.push({
      ...template,
      id,
      name: `workload-${i}`,
      email: `aws+workload-${i}@acme.example`,
      arn: template.arn.replace(template.id, id),
    })
    const raw = JSON.stringify(demo.accounts[template.id]).replaceAll(template.id, id)
    demo.accounts[id] = JSON.parse(raw)
  }
  demo.name = name
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orgwarden-snap-'))
  await writeFile(path.join(dir, `${name}.json`), JSON.stringify(demo))
  return { dir, accountIds }
}
