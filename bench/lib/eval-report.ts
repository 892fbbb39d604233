/**
 * Print benchmark figures as a table and keep them as JSON under bench/results/, with what is
 * needed to compare runs: when, on which CPU and Node version.
 */

import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Figure {
  name: string
  value: number
  unit: string
  target?: string
  note?: string
}

export function printTable(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${f.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${f.unit}`,
    f.target ?? '',
    f.note ?? '',
  ])
  const head = ['measure', 'value', 'target', 'note']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of rows) console.log(line(r))
}

export function writeResults(
  name: string,
  figures: readonly Figure[],
  extra: Record<string, unknown> = {},
): string {
  const dir = fileURLToPath(new URL('../results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const file = join(dir, `${name}-${stamp}.json`)
  const body = {
    benchmark: name,
    at: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    figures,
    ...extra,
  }
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`)
  return file
}
