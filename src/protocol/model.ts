/**
 * The AWS service models as data. Source: the `aws-sdk` (v2) package's `apis/*.min.json`,
 * one maintained npm package holding every service's model with complete HTTP bindings
 * (locations, location names, flattening, XML namespaces, timestamp formats, streaming,
 * event streams). It strips documentation, enums and min/max, which the services carry in
 * their own validation with AWS's wording. The v2 models are frozen (2025): where a current
 * SDK speaks a newer protocol than the frozen model says (CloudWatch over JSON), a small
 * named patch in `services.ts` says so.
 */
import { applyModelPatches } from "./model-patches.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type ShapeType =
  | "structure"
  | "list"
  | "map"
  | "string"
  | "integer"
  | "long"
  | "float"
  | "double"
  | "boolean"
  | "timestamp"
  | "blob"
  | "character"
  | "bigdecimal"
  | "biginteger";

export type TimestampFormat = "iso8601" | "rfc822" | "unixTimestamp";

/** A shape with its member-level traits merged in (what a member "is" at that position). */
export interface Shape {
  readonly type: ShapeType;
  readonly members?: Readonly<Record<string, RawRef>>;
  readonly required?: readonly string[];
  readonly payload?: string;
  readonly member?: RawRef;
  readonly key?: RawRef;
  readonly value?: RawRef;
  readonly flattened?: boolean;
  readonly locationName?: string;
  readonly location?: "header" | "headers" | "querystring" | "uri" | "statusCode";
  readonly queryName?: string;
  readonly xmlNamespace?: { readonly uri?: string; readonly prefix?: string };
  readonly xmlAttribute?: boolean;
  readonly timestampFormat?: TimestampFormat;
  readonly streaming?: boolean;
  readonly eventstream?: boolean;
  readonly event?: boolean;
  readonly eventpayload?: boolean;
  readonly eventheader?: boolean;
  readonly jsonvalue?: boolean;
  readonly exception?: boolean;
  readonly resultWrapper?: string;
  readonly idempotencyToken?: boolean;
  readonly hostLabel?: boolean;
  readonly sensitive?: boolean;
}

/** A shape as written in the model: inline, or a reference `{ shape: "S17", ...overrides }`. */
export type RawRef = Partial<Shape> & { readonly shape?: string };

export interface HttpBinding {
  readonly method: string;
  readonly requestUri: string;
  readonly responseCode?: number;
}

export interface Operation {
  readonly name: string;
  /** Superseded by a newer operation bound to the same request (S3 PutBucketLifecycle...). */
  readonly deprecated: boolean;
  readonly http: HttpBinding;
  readonly input: Shape | undefined;
  readonly output: Shape | undefined;
  readonly inputRef: RawRef | undefined;
  readonly outputRef: RawRef | undefined;
}

export interface ModelMetadata {
  readonly apiVersion: string;
  readonly endpointPrefix: string;
  readonly protocol: string;
  readonly jsonVersion?: string;
  readonly targetPrefix?: string;
  readonly signingName?: string;
  readonly serviceId?: string;
  readonly serviceFullName?: string;
  readonly xmlNamespace?: string;
  readonly awsQueryCompatible?: object;
  readonly globalEndpoint?: string;
}

interface RawOperation {
  http?: { method?: string; requestUri?: string; responseCode?: number };
  deprecated?: boolean;
  input?: RawRef;
  output?: RawRef;
}

interface RawModel {
  metadata: ModelMetadata;
  operations: Record<string, RawOperation>;
  shapes: Record<string, RawRef>;
}

export class ServiceModel {
  readonly metadata: ModelMetadata;
  readonly operations: ReadonlyMap<string, Operation>;
  private readonly shapes: Record<string, RawRef>;
  private readonly cache = new WeakMap<object, Shape>();
  private readonly memberCache = new WeakMap<Shape, readonly (readonly [string, Shape])[]>();
  private readonly memberByName = new WeakMap<Shape, ReadonlyMap<string, Shape>>();

  private readonly queryOps = new Map<string, Operation>();

  constructor(
    raw: RawModel,
    private readonly queryTraits?: QueryTraits,
  ) {
    this.metadata = raw.metadata;
    this.shapes = raw.shapes;
    const ops = new Map<string, Operation>();
    for (const [name, op] of Object.entries(raw.operations)) {
      ops.set(name, {
        name,
        deprecated: op.deprecated === true,
        http: {
          method: op.http?.method ?? "POST",
          requestUri: op.http?.requestUri ?? "/",
          ...(op.http?.responseCode !== undefined ? { responseCode: op.http.responseCode } : {}),
        },
        input: op.input ? this.resolve(op.input) : undefined,
        output: op.output ? this.resolve(op.output) : undefined,
        inputRef: op.input,
        outputRef: op.output,
      });
    }
    this.operations = ops;
  }

  /** Merges a reference with the shape it names; memoized per reference object. */
  resolve(ref: RawRef): Shape {
    const hit = this.cache.get(ref);
    if (hit) return hit;
    let shape: Shape;
    if (ref.shape !== undefined) {
      const target = this.shapes[ref.shape];
      if (!target) throw new Error(`model ${this.metadata.endpointPrefix}: unknown shape ${ref.shape}`);
      const { shape: _name, ...overrides } = ref;
      shape = { ...{}, ...this.resolve(target), ...overrides } as Shape;
    } else {
      shape = (ref.type ? ref : { ...{}, ...ref, type: "string" }) as Shape;
    }
    this.cache.set(ref, shape);
    return shape;
  }

  /** A structure's members, resolved, memoized: the parsers walk these on every request. */
  members(shape: Shape): readonly (readonly [string, Shape])[] {
    let list = this.memberCache.get(shape);
    if (!list) {
      list = Object.entries(shape.members ?? {}).map(([name, ref]) => [name, this.resolve(ref)] as const);
      this.memberCache.set(shape, list);
    }
    return list;
  }

  /** One member of a structure by name, resolved; undefined when the structure has none by that name. */
  member(shape: Shape, name: string): Shape | undefined {
    let byName = this.memberByName.get(shape);
    if (!byName) {
      byName = new Map(this.members(shape));
      this.memberByName.set(shape, byName);
    }
    return byName.get(name);
  }

  operation(name: string): Operation | undefined {
    return this.operations.get(name);
  }

  /**
   * The operation as query clients see it. For a service AWS moved from query to JSON
   * (awsQueryCompatible), the XML names the frozen JSON model lost are put back from
   * `queryTraits`; for every other service this is the operation itself.
   */
  queryOperation(name: string): Operation | undefined {
    const op = this.operations.get(name);
    const traits = this.queryTraits?.[name];
    if (!op || !traits) return op;
    let patched = this.queryOps.get(name);
    if (!patched) {
      patched = {
        ...{}, ...op,
        input: op.input && traits.input ? this.withTraits(op.input, traits.input) : op.input,
        output: op.output && traits.output ? this.withTraits(op.output, traits.output) : op.output,
      };
      this.queryOps.set(name, patched);
    }
    return patched;
  }

  private withTraits(shape: Shape, tree: TraitTree): Shape {
    const out: { -readonly [K in keyof Shape]: Shape[K] } = { ...shape };
    if (tree.locationName) out.locationName = tree.locationName;
    if (tree.flattened) out.flattened = true;
    const members = tree.members;
    if (members && shape.members) {
      out.members = Object.fromEntries(
        Object.entries(shape.members).map(([name, ref]) => {
          const sub = members[name];
          return [name, sub ? this.withTraits(this.resolve(ref), sub) : ref];
        }),
      );
    }
    if (tree.member && shape.member) out.member = this.withTraits(this.resolve(shape.member), tree.member);
    if (tree.key && shape.key) out.key = this.withTraits(this.resolve(shape.key), tree.key);
    if (tree.value && shape.value) out.value = this.withTraits(this.resolve(shape.value), tree.value);
    return out;
  }
}

/** XML names of query serialization, per operation member path (generated from the v3 client's schema). */
export interface TraitTree {
  readonly locationName?: string;
  readonly flattened?: boolean;
  readonly members?: Readonly<Record<string, TraitTree>>;
  readonly member?: TraitTree;
  readonly key?: TraitTree;
  readonly value?: TraitTree;
}

export type QueryTraits = Readonly<Record<string, { readonly input?: TraitTree; readonly output?: TraitTree }>>;

const require = createRequire(import.meta.url);
let apisDir: string | undefined;

/** Directory holding the model JSON files of the `aws-sdk` package. */
export function modelsDirectory(): string {
  apisDir ??= join(dirname(require.resolve("aws-sdk/package.json")), "apis");
  return apisDir;
}

const loaded = new Map<string, ServiceModel>();

/** Loads `<file>.min.json` once per process (models are immutable data). */
export function loadModel(file: string, queryTraits?: QueryTraits): ServiceModel {
  const key = queryTraits ? `${file}+query` : file;
  let model = loaded.get(key);
  if (!model) {
    const raw = JSON.parse(readFileSync(join(modelsDirectory(), `${file}.min.json`), "utf8")) as RawModel;
    applyModelPatches(file, raw);
    model = new ServiceModel(raw, queryTraits);
    loaded.set(key, model);
  }
  return model;
}

