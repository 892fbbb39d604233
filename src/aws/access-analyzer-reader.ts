/** IAM Access Analyzer, per region: every analyzer (external, unused and internal access). */
import { type AccessAnalyzerClient, paginateListAnalyzers } from '@aws-sdk/client-accessanalyzer'
import type { RawAccessAnalyzer, RawAnalyzer } from '../org/raw-account-data.js'
import { pages } from './aws-call.js'
import { outcome } from './outcome.js'

export interface AccessAnalyzerDeps {
  client: AccessAnalyzerClient
  signal?: AbortSignal | undefined
}

export function listAnalyzers({
  client,
  signal,
}: AccessAnalyzerDeps): Promise<RawAccessAnalyzer['ListAnalyzers']> {
  return outcome('access-analyzer:ListAnalyzers', async () => {
    const all = await pages(
      'access-analyzer:ListAnalyzers',
      (o) => paginateListAnalyzers({ client }, {}, o),
      { signal, more: (page) => Boolean(page.nextToken) },
    )
    const analyzers: RawAnalyzer[] = all.flatMap((page) => page.analyzers ?? [])
    return { analyzers }
  })
}
