import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chainHygiene, levelHygiene, type ScpDocument, unattachedPolicies } from '../../src/policy/index.js'

const full: ScpDocument = {
  id: 'p-full',
  name: 'FullAWSAccess',
  document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
}

/** A valid deny-list SCP padded (with a long Sid) to exactly `size` characters. */
function sized(id: string, size: number): ScpDocument {
  const base = (sid: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: sid, Effect: 'Deny', Action: 'iam:DeleteRole', Resource: '*' }],
    })
  const document = base('S'.repeat(size - base('').length))
  assert.equal(document.length, size)
  return { id, name: id, document }
}

describe('SCP hygiene', () => {
  it('finds nothing wrong with FullAWSAccess alone', () => {
    assert.deepEqual(levelHygiene({ targetId: 'ou-1', policies: [full] }), [])
  })

  it('reports a level without any Allow', () => {
    const findings = levelHygiene({ targetId: 'ou-1', name: 'Sandbox', policies: [sized('deny', 200)] })
    assert.deepEqual(
      findings.map((f) => [f.code, f.targetId, f.targetName]),
      [['no-allow', 'ou-1', 'Sandbox']],
    )
  })

  it('reports policies near and over the 10,240-character limit', () => {
    const findings = levelHygiene({
      targetId: 'ou-1',
      policies: [full, sized('near', 9500), sized('ok', 9000), sized('over', 10_241)],
    })
    assert.deepEqual(
      findings.map((f) => [f.code, f.policyId]),
      [
        ['near-size-limit', 'near'],
        ['over-size-limit', 'over'],
      ],
    )
  })

  it('reports more than ten attachments', () => {
    const policies = [full, ...Array.from({ length: 10 }, (_, i) => sized(`d${i}`, 200))]
    const findings = levelHygiene({ targetId: '111111111111', policies })
    assert.deepEqual(
      findings.map((f) => f.code),
      ['too-many-policies'],
    )
  })

  it('reports invalid documents with their errors', () => {
    const findings = levelHygiene({
      targetId: 'r-root',
      policies: [
        full,
        {
          id: 'bad',
          name: 'Broken',
          document: '{"Statement":[{"Effect":"Deny","Action":"*","Principal":"*"}]}',
        },
      ],
    })
    assert.equal(findings.length, 1)
    assert.equal(findings[0].code, 'invalid-document')
    assert.equal(findings[0].policyName, 'Broken')
    assert.ok(findings[0].errors?.some((e) => e.path === '$.Statement[0].Principal'))
  })

  it('covers every level of a chain, with custom limits', () => {
    const chain = [
      { targetId: 'r-root', policies: [full] },
      { targetId: 'ou-1', policies: [sized('x', 300)] },
      { targetId: '111111111111', policies: [full, sized('y', 4800)] },
    ]
    const findings = chainHygiene(chain, { maxPolicySize: 5120, nearSizeRatio: 0.9, maxPoliciesPerTarget: 5 })
    assert.deepEqual(
      findings.map((f) => [f.code, f.targetId]),
      [
        ['no-allow', 'ou-1'],
        ['near-size-limit', '111111111111'],
      ],
    )
    assert.deepEqual(chainHygiene(chain), [{ ...findings[0] }])
  })

  it('reports SCPs attached nowhere', () => {
    const findings = unattachedPolicies([
      { id: 'p-full', name: 'FullAWSAccess', targets: ['r-root'] },
      { id: 'p-old', name: 'OldRegionDeny', targets: [] },
    ])
    assert.deepEqual(
      findings.map((f) => [f.code, f.policyName]),
      [['unattached', 'OldRegionDeny']],
    )
  })
})
