import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/store/index.js'
import { openTestStore, STORE_KINDS } from '../helpers/context.js'

for (const kind of STORE_KINDS) {
  describe(`account tags kept across sweeps on ${kind}`, () => {
    let store: Store
    let close: () => Promise<void>
    before(async () => {
      ;({ store, close } = await openTestStore(kind))
    })
    after(() => close())

    test('saved tags are given back; a second read replaces them', async () => {
      const day = new Date('2026-11-30T00:00:00Z')
      await store.accountTags.save(
        new Map<string, Record<string, string>>([
          ['111111111111', { owner: 'team-a' }],
          ['222222222222', {}],
        ]),
        day,
      )
      await store.accountTags.save(
        new Map<string, Record<string, string>>([
          ['111111111111', { owner: 'team-b', 'cost-centre': 'cc-1' }],
        ]),
        day,
      )
      const kept = await store.accountTags.get(['111111111111', '222222222222', '333333333333'])
      assert.deepEqual(Object.fromEntries(kept), {
        '111111111111': { owner: 'team-b', 'cost-centre': 'cc-1' },
        '222222222222': {},
      })
    })

    test('stale: never read, or read before the cut-off, in the order asked', async () => {
      await store.accountTags.save(new Map([['444444444444', {}]]), new Date('2026-01-01T00:00:00Z'))
      await store.accountTags.save(new Map([['555555555555', {}]]), new Date('2026-12-01T00:00:00Z'))
      const stale = await store.accountTags.stale(
        ['666666666666', '555555555555', '444444444444'],
        new Date('2026-06-01T00:00:00Z'),
      )
      assert.deepEqual(stale, ['666666666666', '444444444444'])
    })
  })
}
