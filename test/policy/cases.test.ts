/**
 * Runs every JSON case under test/policy/cases/<rule>/ against the evaluator. Each folder holds
 * the cases of one rule of AWS's evaluation logic, and a README citing where AWS documents it.
 */

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { evaluate } from '../../src/policy/index.js'
import { casePolicies, caseRequest, type PolicyCase } from './helpers/policy-case.js'

const root = fileURLToPath(new URL('./cases', import.meta.url))
const folders = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

it('every case folder has a README and at least two cases', () => {
  assert.ok(folders.length >= 15, `expected the rules of the logic, found ${folders.length} folders`)
  for (const folder of folders) {
    const files = readdirSync(join(root, folder))
    assert.ok(files.includes('README.md'), `${folder} has no README.md`)
    assert.ok(files.filter((f) => f.endsWith('.json')).length >= 2, `${folder} has fewer than two cases`)
  }
})

for (const folder of folders) {
  describe(folder, () => {
    const files = readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.json'))
      .sort()
    for (const file of files) {
      const c = JSON.parse(readFileSync(join(root, folder, file), 'utf8')) as PolicyCase
      it(`${file}: ${c.name}`, () => {
        const options = c.options?.rcpServices ? { rcpServices: new Set(c.options.rcpServices) } : {}
        const result = evaluate(caseRequest(c), casePolicies(c), options)
        const why = JSON.stringify({
          decidedBy: result.decidedBy,
          deciding: result.deciding,
          blockedAt: result.blockedAt,
        })
        assert.equal(result.decision, c.expected.decision, why)
        if (c.expected.decidedBy) assert.equal(result.decidedBy, c.expected.decidedBy, why)
        if (c.expected.blockedAt) assert.equal(result.blockedAt?.targetId, c.expected.blockedAt, why)
        for (const want of c.expected.deciding ?? []) {
          const found = result.deciding.some(
            (d) =>
              d.policyId === want.policyId &&
              (want.statementIndex === undefined || d.statementIndex === want.statementIndex) &&
              (want.sid === undefined || d.sid === want.sid) &&
              (want.level === undefined || d.level?.targetId === want.level),
          )
          assert.ok(found, `deciding statement ${JSON.stringify(want)} missing from ${why}`)
        }
      })
    }
  })
}
