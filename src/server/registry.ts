/**
 * The services of this Nimbus: routing metadata for all of them at start-up (from the
 * generated index), and the model, router, provider and store of each one loaded on first use.
 */
import type { CodecService, ServiceIndexEntry } from "../protocol/codec.js";
import { readGenerated } from "../protocol/generated.js";
import { loadModel, type QueryTraits, type ServiceModel } from "../protocol/model.js";
import { RestRouter } from "../protocol/rest.js";
import { ServiceDirectory } from "../protocol/routing.js";
import type { ServiceDefinition, ServiceEnvironment } from "../core/service.js";
import { catalog, type CatalogEntry, type PlainHttpHandler, type PlainHttpRoutes } from "../services/catalog.js";

export interface LoadedService extends CodecService {
  readonly definition: ServiceDefinition | undefined;
  readonly router: RestRouter | undefined;
  readonly store: unknown;
}

export type ServiceState = "running" | "available" | "not implemented";

function readIndex(): Record<string, ServiceIndexEntry> {
  const index = readGenerated<Record<string, ServiceIndexEntry>>("service-index.json");
  if (!index) throw new Error("src/generated/service-index.json is missing: run `npm run build` (it runs the codegen).");
  return index;
}

export class ServiceRegistry {
  readonly directory: ServiceDirectory;
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly loaded = new Map<string, LoadedService>();
  private readonly loading = new Map<string, Promise<LoadedService>>();
  private readonly previous = new Map<string, LoadedService>();
  private readonly stops: (() => void)[] = [];
  private readonly plainRoutes: readonly PlainHttpRoutes[];
  private readonly pathOwners: readonly CatalogEntry[];

  constructor(
    private readonly env: () => ServiceEnvironment,
    private readonly overrides: Readonly<Record<string, ServiceDefinition>> = {},
  ) {
    this.directory = new ServiceDirectory(readIndex());
    for (const entry of catalog) this.entries.set(entry.id, entry);
    this.plainRoutes = catalog.flatMap((entry) => (entry.plainHttp ? [entry.plainHttp] : []));
    this.pathOwners = catalog.filter((entry) => entry.ownsPath);
  }

  /** The service whose own path `path` is (catalog `ownsPath`), if any. */
  serviceOwningPath(path: string): string | undefined {
    for (const entry of this.pathOwners) if (entry.ownsPath?.(path)) return entry.id;
    return undefined;
  }

  /**
   * The service handler for a request outside the AWS protocols (catalog `plainHttp`), if any.
   * Host rules win over path rules: a function URL owns every path of its host. `pathsFree`
   * says whether path rules may apply (not on a host that owns its paths: a virtual-hosted bucket);
   * it is asked only when a path rule matches.
   */
  plainHttpHandler(host: string, path: string, pathsFree: () => boolean = () => true): Promise<PlainHttpHandler> | undefined {
    const route =
      this.plainRoutes.find((r) => r.host?.(host)) ?? this.plainRoutes.find((r) => r.pathPrefixes?.some((prefix) => path.startsWith(prefix)) && pathsFree());
    // Synchronous when nothing matches: the common case costs no promise.
    return route?.handler().then((module) => module.default);
  }

  get ids(): string[] {
    return [...this.entries.keys()];
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  state(id: string): ServiceState {
    if (this.loaded.has(id)) return this.loaded.get(id)?.definition ? "running" : "not implemented";
    return this.overrides[id] || this.entries.get(id)?.provider ? "available" : "not implemented";
  }

  /** The loaded service, synchronously, once it has been loaded (the hot path). */
  peek(id: string): LoadedService | undefined {
    return this.loaded.get(id);
  }

  get(id: string): LoadedService | Promise<LoadedService> {
    const hit = this.loaded.get(id);
    if (hit) return hit;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id);
      this.loading.set(id, pending);
      pending.finally(() => this.loading.delete(id)).catch(() => undefined);
    }
    return pending;
  }

  private async load(id: string): Promise<LoadedService> {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`unknown service ${id}`);
    for (const first of entry.startsAfter ?? []) await this.get(first);
    const index = this.directory.index[id];
    if (!index) throw new Error(`service ${id} is missing from the generated index; run the codegen`);
    const model = loadModel(entry.model, index.queryCompatible ? readGenerated<QueryTraits>(`${id}.query-traits.json`) : undefined);
    const definition = this.overrides[id] ?? (entry.provider ? (await entry.provider()).default : undefined);
    const env = this.env();
    const store = definition?.createStore ? definition.createStore(env) : undefined;
    const stop = definition?.start?.(env, store);
    if (stop) this.stops.push(stop);
    const router = index.protocol === "rest-json" || index.protocol === "rest-xml" ? new RestRouter(model, definition?.dialect?.decodePathPart) : undefined;
    const loaded = loadedService(id, model, index, router, definition, store);
    this.loaded.set(id, loaded);
    return loaded;
  }

  /**
   * The service's previous API version (catalog previousModel) as a service of its own: its model
   * and definition over the current version's store. Undefined when the provider does not answer it.
   */
  async previousVersion(id: string): Promise<LoadedService | undefined> {
    const hit = this.previous.get(id);
    if (hit) return hit;
    const current = await this.get(id);
    const definition = current.definition?.previousVersion;
    const file = current.index.previous?.model;
    if (!definition || !file) return undefined;
    const loaded = loadedService(id, loadModel(file), current.index, undefined, definition, current.store);
    this.previous.set(id, loaded);
    return loaded;
  }

  /** Resolves once no service is still loading (each load ends loaded or failed). */
  async settled(): Promise<void> {
    while (this.loading.size > 0) await Promise.allSettled(this.loading.values());
  }

  close(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

function loadedService(id: string, model: ServiceModel, index: ServiceIndexEntry, router: RestRouter | undefined, definition: ServiceDefinition | undefined, store: unknown): LoadedService {
  return {
    id,
    model,
    index,
    router,
    definition,
    store,
    ...(definition?.xmlRootNames ? { xmlRootNames: definition.xmlRootNames } : {}),
    ...(definition?.xmlTextRoots ? { xmlTextRoots: definition.xmlTextRoots } : {}),
    ...(definition?.xmlQuotedText ? { xmlQuotedText: definition.xmlQuotedText } : {}),
    ...(definition?.responseStatus ? { responseStatus: definition.responseStatus } : {}),
    ...(definition?.malformedValue ? { malformedValue: definition.malformedValue } : {}),
    ...(definition?.emptyQueryUnsent ? { emptyQueryUnsent: definition.emptyQueryUnsent } : {}),
    ...(definition?.jsonErrorType ? { jsonErrorType: definition.jsonErrorType } : {}),
    ...(definition?.queryErrorDetail ? { queryErrorDetail: definition.queryErrorDetail } : {}),
    ...(definition?.coralJson ? { coralJson: definition.coralJson } : {}),
  };
}
