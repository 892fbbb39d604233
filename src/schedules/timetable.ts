import { CronExpressionParser } from 'cron-parser'

/**
 * Cron and time zone checks, with the same parser (and version) BullMQ uses to compute firings,
 * so an expression accepted here is one the job scheduler can run.
 */

export type TimetableProblem = { field: 'cron' | 'timezone'; message: string }

/** A valid IANA time zone name (e.g. "Europe/Berlin", "UTC"), per the runtime's Intl database. */
export function timezoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone })
    return undefined
  } catch {
    return `"${timezone}" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")`
  }
}

/** A zone Intl knows but the cron parser (Luxon) does not: blame the zone, not the expression. */
function parserRefusesZone(timezone: string): string | undefined {
  try {
    CronExpressionParser.parse('0 0 * * *', { tz: timezone, currentDate: new Date() }).next()
    return undefined
  } catch {
    return `"${timezone}" is not a time zone the scheduler can use`
  }
}

/**
 * Five fields (minute hour day-of-month month day-of-week), six with leading seconds, or a
 * macro (@hourly, @daily, @weekly, @monthly, @yearly). The randomised `H` is refused: BullMQ
 * recomputes each firing from the expression, so it would not fire at a stable time.
 */
export function timetableProblem(cron: string, timezone: string): TimetableProblem | undefined {
  const tz = timezoneProblem(timezone) ?? parserRefusesZone(timezone)
  if (tz) return { field: 'timezone', message: tz }
  const text = cron.trim()
  const fields = text.split(/\s+/)
  if (!text.startsWith('@') && fields.length !== 5 && fields.length !== 6) {
    return { field: 'cron', message: `has ${fields.length} fields; expected 5 (or 6 with seconds)` }
  }
  if (/(^|[^A-Z])H(?![A-Z])/i.test(text) && !text.startsWith('@')) {
    return { field: 'cron', message: 'the randomised "H" value is not supported' }
  }
  try {
    CronExpressionParser.parse(text, { tz: timezone, currentDate: new Date() }).next()
    return undefined
  } catch (err) {
    return { field: 'cron', message: `is not a valid cron expression: ${(err as Error).message}` }
  }
}
