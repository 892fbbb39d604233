import type { OrgSource } from '../../src/org/source.js'
import { createSourceResolver, type SourceResolver } from '../../src/sources/resolver.js'

/**
 * The real source resolver, with each resolved source's methods replaced where `wrap` says: faults
 * or hooks injected at the source boundary while the rest of the pipeline runs for real.
 */
export function wrappedSources(wrap: (source: OrgSource) => Partial<OrgSource>): SourceResolver {
  const real = createSourceResolver()
  return {
    async resolve(kind, name) {
      const source = await real.resolve(kind, name)
      return {
        kind: source.kind,
        name: source.name,
        readOrganization: (signal, onAccounts) => source.readOrganization(signal, onAccounts),
        collectAccount: (accountId, ctx) => source.collectAccount(accountId, ctx),
        takeAccountReport: source.takeAccountReport?.bind(source),
        ...wrap(source),
      }
    },
    close: () => real.close(),
  }
}
