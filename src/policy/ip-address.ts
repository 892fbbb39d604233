/**
 * IPv4 and IPv6 addresses and CIDR ranges for IpAddress / NotIpAddress. Addresses are held as
 * eight 16-bit words (IPv4 uses the last two) so one comparison routine serves both families.
 */

export interface IpAddress {
  v6: boolean
  words: Uint16Array
}

export interface CidrRange {
  v6: boolean
  words: Uint16Array
  prefix: number
}

function parseV4(text: string): Uint16Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes: number[] = []
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const n = Number(p)
    if (n > 255) return undefined
    bytes.push(n)
  }
  const words = new Uint16Array(8)
  words[6] = (bytes[0] << 8) | bytes[1]
  words[7] = (bytes[2] << 8) | bytes[3]
  return words
}

function parseV6(text: string): Uint16Array | undefined {
  if (text.length === 0 || text.length > 45) return undefined
  let head = text
  let tail = ''
  const gap = text.indexOf('::')
  if (gap >= 0) {
    if (text.indexOf('::', gap + 1) >= 0) return undefined
    head = text.slice(0, gap)
    tail = text.slice(gap + 2)
  }
  const toWords = (s: string, allowV4: boolean): number[] | undefined => {
    if (s === '') return []
    const groups = s.split(':')
    const out: number[] = []
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseV4(g)
        if (!v4) return undefined
        out.push(v4[6], v4[7])
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
        out.push(Number.parseInt(g, 16))
      }
    }
    return out
  }
  const h = toWords(head, gap < 0)
  const t = toWords(tail, true)
  if (!h || !t) return undefined
  const words = new Uint16Array(8)
  if (gap < 0) {
    if (h.length !== 8) return undefined
    words.set(h)
    return words
  }
  if (h.length + t.length > 7) return undefined
  words.set(h, 0)
  words.set(t, 8 - t.length)
  return words
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const words = parseV6(text)
    return words ? { v6: true, words } : undefined
  }
  const words = parseV4(text)
  return words ? { v6: false, words } : undefined
}

/** Parse `a.b.c.d/n` or `x::/n`; an address without a prefix is a single host (/32 or /128). */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/')
  const addr = parseIp(slash >= 0 ? text.slice(0, slash) : text)
  if (!addr) return undefined
  const max = addr.v6 ? 128 : 32
  let prefix = max
  if (slash >= 0) {
    const p = text.slice(slash + 1)
    if (!/^\d{1,3}$/.test(p)) return undefined
    prefix = Number(p)
    if (prefix > max) return undefined
  }
  return { v6: addr.v6, words: addr.words, prefix: addr.v6 ? prefix : prefix + 96 }
}

export function cidrContains(range: CidrRange, ip: IpAddress): boolean {
  if (range.v6 !== ip.v6) return false
  let bits = range.prefix
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(bits, 16)
    const mask = take === 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff
    if ((range.words[i] & mask) !== (ip.words[i] & mask)) return false
    bits -= take
  }
  return true
}
