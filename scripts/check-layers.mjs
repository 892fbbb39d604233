// Keeps the dependency direction of DESIGN.md: lower layers never import higher ones.
// Each rule: files under `from` may not import anything under the listed folders.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const RULES = [
  { from: 'src/config', forbid: ['src/'], except: ['src/config'] },
  { from: 'src/org', forbid: ['src/'], except: ['src/org'] },
  { from: 'src/policy', forbid: ['src/'], except: ['src/policy'] },
  { from: 'src/rules', forbid: ['src/'], except: ['src/rules', 'src/policy', 'src/org'] },
  { from: 'src/aws', forbid: ['src/api', 'src/store', 'src/queue', 'src/webhooks', 'src/rules', 'workers'] },
  { from: 'src/store', forbid: ['src/api', 'src/queue', 'src/aws', 'src/webhooks', 'workers'] },
  { from: 'src/queue', forbid: ['src/api', 'src/store', 'src/aws', 'workers'] },
  { from: 'src/api', forbid: ['src/aws', 'workers'] },
  { from: 'src', forbid: ['workers', 'bin'] },
]

const files = (dir) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f))

let problems = 0
for (const file of files('src')) {
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = path.normalize(path.join(path.dirname(file), m[1]))
    for (const rule of RULES) {
      if (!file.startsWith(`${rule.from}/`)) continue
      const allowed = (rule.except ?? []).some((e) => target.startsWith(`${e}/`) || target === e)
      if (!allowed && rule.forbid.some((f) => target.startsWith(f))) {
        console.error(
          `${file}: imports ${m[1]} (${rule.from} may not depend on ${target.split('/').slice(0, 2).join('/')})`,
        )
        problems++
      }
    }
  }
}
if (problems) process.exit(1)
console.log('layers: dependency direction holds')
