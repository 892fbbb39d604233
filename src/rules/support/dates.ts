/** Ages in whole days, measured from the context's `now` (never the wall clock). */

const DAY_MS = 86_400_000

/** Days from `iso` to `now`, rounded down; null when `iso` is null or not a date. */
export function daysSince(iso: string | null | undefined, now: Date): number | null {
  if (!iso) return null
  const time = Date.parse(iso)
  if (Number.isNaN(time)) return null
  return Math.floor((now.getTime() - time) / DAY_MS)
}

/** True when `iso` is a date at least `days` days before `now`. */
export function atLeastDaysAgo(iso: string | null | undefined, days: number, now: Date): boolean {
  const age = daysSince(iso, now)
  return age !== null && age >= days
}

/** True when `iso` is a date less than `days` days before `now` (future dates count as recent). */
export function withinDays(iso: string | null | undefined, days: number, now: Date): boolean {
  const age = daysSince(iso, now)
  return age !== null && age < days
}
