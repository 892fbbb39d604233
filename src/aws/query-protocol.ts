/**
 * The awsQuery protocol (IAM) with a faster reader for successful responses.
 *
 * The SDK reads an awsQuery response in three passes: it parses the XML into a tree of objects,
 * walks that tree again to lift text nodes, then walks it a third time against the operation's
 * schema to build the output. For a GetAccountAuthorizationDetails page (about 450 KB) that is
 * about 12 ms of CPU and 7 MB of short-lived objects, the largest single cost of a sweep after
 * the rules. This reader builds the output straight from the text, guided by the same schema, in
 * one pass: the SDK's own scalar reader still turns each text into its value (numbers, booleans,
 * dates, base64), so only the walk is ours.
 *
 * It reads the plain XML AWS sends: elements without attributes (but the root's `xmlns`), text
 * with the five named entities. On anything else (comments, CDATA, other entities, attributes,
 * mixed content, a repeated member) it gives up on that response and lets the SDK's reader read it
 * from the start, so every response reads exactly as the SDK would read it; so do error responses
 * and outputs whose schema uses features this reader does not walk (flattened lists, unions,
 * documents, XML attributes). `test/aws/query-protocol.test.ts` compares both readers.
 *
 * It plugs in through the clients' `protocol` setting (see `client-pool.ts`); the request side,
 * retries, signing and error handling are the SDK's.
 */
import { AwsQueryProtocol, XmlShapeDeserializer } from '@aws-sdk/core/protocols'
import { FromStringShapeDeserializer } from '@smithy/core/protocols'
import { NormalizedSchema } from '@smithy/core/schema'
import { toUtf8 } from '@smithy/core/serde'

type Settings = ConstructorParameters<typeof XmlShapeDeserializer>[0]
type SerdeContext = Parameters<XmlShapeDeserializer['setSerdeContext']>[0]
type Schema = Parameters<XmlShapeDeserializer['read']>[0]

interface StructPlan {
  kind: 'struct'
  /** By element name: the member's position in `names` and its plan. */
  members: Map<string, { index: number; plan: Plan }>
  names: string[]
}
interface ListPlan {
  kind: 'list'
  itemTag: string
  item: Plan
}
interface MapPlan {
  kind: 'map'
  keyTag: string
  valueTag: string
  value: Plan
}
/** A string without a media type: its text is its value. */
interface TextPlan {
  kind: 'text'
}
/** Any other scalar: its text goes through the SDK's scalar reader with this schema. */
interface ScalarPlan {
  kind: 'scalar'
  schema: NormalizedSchema
}
type Plan = StructPlan | ListPlan | MapPlan | TextPlan | ScalarPlan

/** Thrown inside the reader when a response is not in the plain subset it reads. */
const GIVE_UP = Symbol('give up')
/** A member not (yet) read, while a struct's members are put back in the model's order. */
const ABSENT = Symbol('absent')
/** A schema feature this reader does not walk. */
class Unsupported extends Error {}

const TEXT: TextPlan = { kind: 'text' }

/** Counts of responses read by this reader and of those it handed to the SDK's (for tests). */
export const queryReaderStats = { read: 0, handedOver: 0 }

/** Builds (once per shape) what the reader needs to know of a schema. */
class PlanBuilder {
  private readonly shapes = new Map<unknown, Plan>()

  plan(ns: NormalizedSchema): Plan {
    if (ns.isStructSchema()) return this.shape(ns, () => this.struct(ns))
    if (ns.isListSchema()) return this.shape(ns, () => this.list(ns))
    if (ns.isMapSchema()) return this.shape(ns, () => this.map(ns))
    if (ns.isDocumentSchema() || ns.isUnitSchema()) throw new Unsupported(String(ns.getName(true)))
    if (ns.getMergedTraits().xmlAttribute) throw new Unsupported('xmlAttribute')
    if (ns.isStringSchema() && !ns.getMergedTraits().mediaType) return TEXT
    return { kind: 'scalar', schema: ns }
  }

  /** Containers are kept by their shape (not their member traits), so recursive shapes end. */
  private shape<P extends Plan>(ns: NormalizedSchema, build: () => P): P {
    if (ns.getMergedTraits().xmlFlattened) throw new Unsupported('xmlFlattened')
    const key = ns.getSchema()
    const known = this.shapes.get(key)
    if (known) return known as P
    const plan = build()
    this.shapes.set(key, plan)
    return plan
  }

  private struct(ns: NormalizedSchema): StructPlan {
    if (ns.isUnionSchema()) throw new Unsupported('union')
    const plan: StructPlan = { kind: 'struct', members: new Map(), names: [] }
    // Registered before its members are planned: a member may be of this very shape.
    this.shapes.set(ns.getSchema(), plan)
    for (const [name, member] of ns.structIterator()) {
      if (member.getMergedTraits().httpPayload) throw new Unsupported('httpPayload')
      const tag = (member.getMemberTraits().xmlName as string | undefined) ?? name
      plan.members.set(tag, { index: plan.names.length, plan: this.plan(member) })
      plan.names.push(name)
    }
    return plan
  }

  private list(ns: NormalizedSchema): ListPlan {
    const item = ns.getValueSchema()
    return {
      kind: 'list',
      itemTag: (item.getMergedTraits().xmlName as string | undefined) ?? 'member',
      item: this.plan(item),
    }
  }

  private map(ns: NormalizedSchema): MapPlan {
    const key = ns.getKeySchema()
    const value = ns.getValueSchema()
    return {
      kind: 'map',
      keyTag: (key.getMergedTraits().xmlName as string | undefined) ?? 'key',
      valueTag: (value.getMergedTraits().xmlName as string | undefined) ?? 'value',
      value: this.plan(value),
    }
  }
}

// A Map, not an object literal: `&constructor;` must not find Object.prototype's properties.
const NAMED_ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
])

/** Replaces the five named entities; any other `&` is outside the plain subset. */
function decodeEntities(text: string): string {
  let out = ''
  let from = 0
  for (let amp = text.indexOf('&'); amp !== -1; amp = text.indexOf('&', from)) {
    const semi = text.indexOf(';', amp)
    const value = semi === -1 ? undefined : NAMED_ENTITIES.get(text.slice(amp + 1, semi))
    if (value === undefined) throw GIVE_UP
    out += text.slice(from, amp) + value
    from = semi + 1
  }
  return out + text.slice(from)
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13
}

/** One pass over one response's text. */
class Reader {
  private i = 0
  /** The name of the element whose start tag was read last, and whether it was `<name/>`. */
  private tag = ''
  private empty = false

  constructor(
    private readonly x: string,
    private readonly scalars: FromStringShapeDeserializer,
  ) {}

  /** The output of `<Root><{key}>…</{key}></Root>`, or undefined when there is no such element. */
  result(key: string, plan: StructPlan): unknown {
    const x = this.x
    this.skipSpace()
    if (x.startsWith('<?', this.i)) {
      const end = x.indexOf('?>', this.i)
      if (end === -1) throw GIVE_UP
      this.i = end + 2
      this.skipSpace()
    }
    this.startTag(true)
    if (this.empty) return undefined
    const root = this.tag
    let found: unknown
    let seen = false
    while (this.nextChild()) {
      this.startTag(false)
      if (this.tag === key) {
        if (seen) throw GIVE_UP
        seen = true
        found = this.struct(plan)
      } else {
        this.skip()
      }
    }
    this.endTag(root)
    return found
  }

  /** Reads `<name>` (or `<name/>`) at the cursor. Attributes are allowed on the root alone. */
  private startTag(root: boolean): void {
    const x = this.x
    if (x.charCodeAt(this.i) !== 60 /* < */) throw GIVE_UP
    const start = this.i + 1
    let i = start
    for (;;) {
      const c = x.charCodeAt(i)
      if (Number.isNaN(c)) throw GIVE_UP
      if (c === 62 /* > */ || c === 47 /* / */ || isSpace(c)) break
      // `<!--`, `<![CDATA[`, `<?`, `<!DOCTYPE`: outside the plain subset.
      if (i === start && (c === 33 || c === 63)) throw GIVE_UP
      i++
    }
    if (i === start) throw GIVE_UP
    this.tag = x.slice(start, i)
    if (root) i = this.skipAttributes(i)
    if (x.charCodeAt(i) === 62) {
      this.empty = false
      this.i = i + 1
    } else if (x.charCodeAt(i) === 47 && x.charCodeAt(i + 1) === 62) {
      this.empty = true
      this.i = i + 2
    } else {
      throw GIVE_UP
    }
  }

  /** Skips ` name="value"` pairs; their values are never read. */
  private skipAttributes(from: number): number {
    const x = this.x
    let i = from
    for (;;) {
      while (isSpace(x.charCodeAt(i))) i++
      const c = x.charCodeAt(i)
      if (c === 62 || c === 47 || Number.isNaN(c)) return i
      const eq = x.indexOf('=', i)
      if (eq === -1) throw GIVE_UP
      const name = x.slice(i, eq)
      if (!/^[A-Za-z_][\w.:-]*$/.test(name)) throw GIVE_UP
      const quote = x[eq + 1]
      if (quote !== '"' && quote !== "'") throw GIVE_UP
      const close = x.indexOf(quote, eq + 2)
      if (close === -1) throw GIVE_UP
      i = close + 1
    }
  }

  /** Reads `</name>` at the cursor. */
  private endTag(name: string): void {
    const x = this.x
    const i = this.i
    if (
      x.charCodeAt(i) !== 60 ||
      x.charCodeAt(i + 1) !== 47 ||
      !x.startsWith(name, i + 2) ||
      x.charCodeAt(i + 2 + name.length) !== 62
    ) {
      throw GIVE_UP
    }
    this.i = i + 3 + name.length
  }

  /**
   * Moves past the whitespace between an element's children. True when a child's start tag
   * follows, false at the element's end tag. Text other than whitespace with a line break would
   * change what the SDK reads (it keeps it as the element's text), so it ends the fast reading.
   */
  private nextChild(): boolean {
    const x = this.x
    let i = this.i
    let newline = false
    for (;;) {
      const c = x.charCodeAt(i)
      if (c === 10) newline = true
      else if (!isSpace(c)) break
      i++
    }
    if (i !== this.i && !newline) throw GIVE_UP
    this.i = i
    if (x.charCodeAt(i) !== 60) throw GIVE_UP
    return x.charCodeAt(i + 1) !== 47
  }

  private value(plan: Plan): unknown {
    switch (plan.kind) {
      case 'struct':
        return this.struct(plan)
      case 'list':
        return this.list(plan)
      case 'map':
        return this.map(plan)
      case 'text':
        return this.text()
      default:
        return this.scalars.read(plan.schema, this.text())
    }
  }

  /** The element's text, as the SDK's parser gives it: whitespace with a line break is "". */
  private text(): string {
    const name = this.tag
    if (this.empty) return ''
    const x = this.x
    const start = this.i
    const end = x.indexOf('<', start)
    if (end === -1) throw GIVE_UP
    let text = x.slice(start, end)
    this.i = end
    this.endTag(name)
    if (text.includes('&')) text = decodeEntities(text)
    else if (text.includes('\n') && text.trim() === '') text = ''
    return text
  }

  private struct(plan: StructPlan): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    if (this.empty) return out
    const name = this.tag
    let values: unknown[] | undefined
    let last = -1
    let ordered = true
    while (this.nextChild()) {
      this.startTag(false)
      const member = plan.members.get(this.tag)
      if (member === undefined) {
        this.skip()
        continue
      }
      const value = this.value(member.plan)
      const index = member.index
      // AWS writes members in the model's order; the object keeps that order whatever the text's.
      if (index > last && ordered) {
        out[plan.names[index]] = value
        last = index
        continue
      }
      if (ordered) {
        ordered = false
        values = plan.names.map((n) => (Object.hasOwn(out, n) ? out[n] : ABSENT))
      }
      if ((values as unknown[])[index] !== ABSENT) throw GIVE_UP
      ;(values as unknown[])[index] = value
    }
    this.endTag(name)
    if (ordered) return out
    const sorted: Record<string, unknown> = {}
    for (let k = 0; k < plan.names.length; k++) {
      const v = (values as unknown[])[k]
      if (v !== ABSENT) sorted[plan.names[k]] = v
    }
    return sorted
  }

  private list(plan: ListPlan): unknown[] {
    const out: unknown[] = []
    if (this.empty) return out
    const name = this.tag
    while (this.nextChild()) {
      this.startTag(false)
      if (this.tag === plan.itemTag) out.push(this.value(plan.item))
      else this.skip()
    }
    this.endTag(name)
    return out
  }

  private map(plan: MapPlan): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    if (this.empty) return out
    const name = this.tag
    while (this.nextChild()) {
      this.startTag(false)
      if (this.tag !== 'entry' || this.empty) throw GIVE_UP
      let key: string | undefined
      let value: unknown
      let hasValue = false
      while (this.nextChild()) {
        this.startTag(false)
        if (this.tag === plan.keyTag && key === undefined) key = this.text()
        else if (this.tag === plan.valueTag && !hasValue) {
          value = this.value(plan.value)
          hasValue = true
        } else throw GIVE_UP
      }
      this.endTag('entry')
      if (key === undefined || !hasValue || key === '__proto__' || Object.hasOwn(out, key)) throw GIVE_UP
      out[key] = value
    }
    this.endTag(name)
    return out
  }

  /** Skips an element the schema does not know, checking that it is well formed. */
  private skip(): void {
    if (this.empty) return
    const name = this.tag
    const x = this.x
    for (;;) {
      const lt = x.indexOf('<', this.i)
      if (lt === -1) throw GIVE_UP
      this.i = lt
      if (x.charCodeAt(lt + 1) === 47) break
      this.startTag(false)
      this.skip()
    }
    this.endTag(name)
  }

  private skipSpace(): void {
    while (isSpace(this.x.charCodeAt(this.i))) this.i++
  }
}

/**
 * Plans by operation output schema, for the whole process: the SDK's schemas are static objects,
 * and every account's IAM clients (a new set per account) read the same operations.
 */
const PLANS = new Map<unknown, StructPlan | null>()
const PLAN_BUILDER = new PlanBuilder()

/** The SDK's XML reader with a one-pass fast path for successful awsQuery responses. */
export class QueryResultDeserializer extends XmlShapeDeserializer {
  private readonly scalars: FromStringShapeDeserializer

  constructor(settings: Settings) {
    super(settings)
    this.scalars = new FromStringShapeDeserializer(settings)
  }

  override setSerdeContext(serdeContext: SerdeContext): void {
    super.setSerdeContext(serdeContext)
    this.scalars.setSerdeContext(serdeContext)
  }

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's signature
  override read(schema: Schema, bytes: Uint8Array | string, key?: string): any {
    if (key === undefined) return super.read(schema, bytes)
    const plan = this.planFor(schema)
    if (plan === null) return super.read(schema, bytes, key)
    // The SDK's own decoding (TextDecoder drops a byte order mark; Buffer would keep it).
    const text = (this.serdeContext?.utf8Encoder ?? toUtf8)(bytes)
    if (text.length === 0 || text.includes('\r')) return this.handOver(schema, text, key)
    try {
      const out = new Reader(text, this.scalars).result(key, plan)
      queryReaderStats.read++
      return out
    } catch {
      // Outside the plain subset, or a value the SDK's scalar reader refused: the SDK reads the
      // whole answer again, so that its error (a parse error comes before a value error) is the one
      // the caller gets, exactly as without this reader.
      return this.handOver(schema, text, key)
    }
  }

  private handOver(schema: Schema, text: string, key: string): unknown {
    queryReaderStats.handedOver++
    return super.read(schema, text, key)
  }

  /** The plan of an operation's output, or null when this reader does not walk its schema. */
  private planFor(schema: Schema): StructPlan | null {
    let plan = PLANS.get(schema)
    if (plan !== undefined) return plan
    const ns = NormalizedSchema.of(schema)
    try {
      plan = ns.isStructSchema() && !ns.isMemberSchema() ? (PLAN_BUILDER.plan(ns) as StructPlan) : null
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e
      plan = null
    }
    PLANS.set(schema, plan)
    return plan
  }
}

/** AwsQueryProtocol reading successful responses with {@link QueryResultDeserializer}. */
export class FastAwsQueryProtocol extends AwsQueryProtocol {
  constructor(options: ConstructorParameters<typeof AwsQueryProtocol>[0]) {
    super(options)
    this.deserializer = new QueryResultDeserializer(this.deserializer.settings)
  }
}
