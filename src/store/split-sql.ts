/**
 * Splits a migration script into statements. PGlite (and pg with parameters) runs one statement
 * per query through the extended protocol, so a plain SQL file has to be cut at top-level `;`.
 * Understands quotes, quoted identifiers, dollar-quoted bodies and both comment styles.
 */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let i = 0
  const n = script.length
  while (i < n) {
    const c = script[i]!
    const next = script[i + 1]
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
    } else if (c === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (c === "'" || c === '"') {
      i = skipQuoted(script, i, c)
    } else if (c === '$') {
      const tag = /^\$[A-Za-z_]?\w*\$/.exec(script.slice(i, i + 64))?.[0]
      if (tag) {
        const end = script.indexOf(tag, i + tag.length)
        i = end === -1 ? n : end + tag.length
      } else {
        i++
      }
    } else if (c === ';') {
      push(out, script.slice(start, i))
      start = ++i
    } else {
      i++
    }
  }
  push(out, script.slice(start))
  return out
}

function skipQuoted(s: string, from: number, quote: string): number {
  let i = from + 1
  while (i < s.length) {
    if (s[i] === quote) {
      if (s[i + 1] === quote)
        i += 2 // doubled quote is an escaped quote
      else return i + 1
    } else {
      i++
    }
  }
  return s.length
}

function push(out: string[], statement: string): void {
  // Drop pieces that hold only whitespace and comments.
  const meaningful = statement.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim()
  if (meaningful) out.push(statement.trim())
}
