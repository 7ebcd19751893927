/**
 * Bucket lifecycle: validating PutBucketLifecycleConfiguration and deciding, for one object
 * version or one multipart upload, which action is due and when.
 *
 * Timing rule (S3 user guide, "Lifecycle rules: Based on an object's age"): "Amazon S3
 * calculates the time by adding the number of days specified in the rule to the object
 * creation time and rounding the resulting time to the next day midnight UTC", e.g. created
 * 2014-01-15 10:30 UTC + 3 days -> due 2014-01-19 00:00 UTC. A sum that falls exactly on
 * midnight stays there (we round up, i.e. ceil to a day boundary). The same rule applies to
 * NoncurrentDays (counted from when the successor version was created, which is when this
 * version became noncurrent) and to DaysAfterInitiation (from the upload's initiation).
 * A Date action is due at that midnight (Dates must be at midnight GMT).
 *
 * What the actions do is the caller's business, by versioning state: "Expiration" of a current
 * version deletes it in an unversioned bucket, adds a delete marker when versioning is enabled,
 * and adds a null delete marker (replacing the null version) when suspended.
 */
import { invalidArgument, invalidRequest, s3DomainErrors } from "./errors.js";

export const DAY_MS = 86_400_000;
export const MAX_LIFECYCLE_RULES = 1000;
const MAX_RULE_ID_LENGTH = 255;
/** Since September 2024 S3 skips transitions of objects under 128 KiB unless told otherwise. */
export const DEFAULT_TRANSITION_MINIMUM_SIZE = 128 * 1024;

const TRANSITION_STORAGE_CLASSES = ["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];
/** Days to wait before a transition to these classes, at least. */
const MIN_TRANSITION_DAYS: Readonly<Record<string, number>> = { STANDARD_IA: 30, ONEZONE_IA: 30 };

/** The next midnight UTC at or after `ms`. */
export function ceilToMidnightUtc(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/** `base + days`, rounded up to midnight UTC. */
export function dueAfterDays(base: number, days: number): number {
  return ceilToMidnightUtc(base + days * DAY_MS);
}

// ---------------------------------------------------------------------------------------------
// Configuration (the SDK / model shapes) and its normal form

type DateInput = Date | string | number;

export interface TagInput {
  readonly Key?: string;
  readonly Value?: string;
}

export interface LifecycleRuleInput {
  readonly ID?: string;
  readonly Status?: string;
  /** Deprecated top-level prefix (the V1 lifecycle API); exclusive with Filter. */
  readonly Prefix?: string;
  readonly Filter?: {
    readonly Prefix?: string;
    readonly Tag?: TagInput;
    readonly ObjectSizeGreaterThan?: number;
    readonly ObjectSizeLessThan?: number;
    readonly And?: {
      readonly Prefix?: string;
      readonly Tags?: readonly TagInput[];
      readonly ObjectSizeGreaterThan?: number;
      readonly ObjectSizeLessThan?: number;
    };
  };
  readonly Expiration?: { readonly Days?: number; readonly Date?: DateInput; readonly ExpiredObjectDeleteMarker?: boolean };
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays?: number; readonly NewerNoncurrentVersions?: number };
  readonly AbortIncompleteMultipartUpload?: { readonly DaysAfterInitiation?: number };
  readonly Transitions?: readonly { readonly Days?: number; readonly Date?: DateInput; readonly StorageClass?: string }[];
  readonly NoncurrentVersionTransitions?: readonly {
    readonly NoncurrentDays?: number;
    readonly NewerNoncurrentVersions?: number;
    readonly StorageClass?: string;
  }[];
}

export interface LifecycleFilter {
  readonly prefix: string;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly sizeGreaterThan?: number;
  readonly sizeLessThan?: number;
}

export interface LifecycleRule {
  readonly id?: string;
  readonly enabled: boolean;
  readonly filter: LifecycleFilter;
  readonly expiration?: { readonly days?: number; readonly date?: number; readonly expiredObjectDeleteMarker?: boolean };
  readonly noncurrentVersionExpiration?: { readonly noncurrentDays?: number; readonly newerNoncurrentVersions?: number };
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
  readonly transitions: readonly { readonly days?: number; readonly date?: number; readonly storageClass: string }[];
  readonly noncurrentVersionTransitions: readonly {
    readonly noncurrentDays: number;
    readonly newerNoncurrentVersions?: number;
    readonly storageClass: string;
  }[];
}

function toMs(value: DateInput): number | undefined {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function midnightDate(value: DateInput): number {
  const ms = toMs(value);
  if (ms === undefined) throw s3DomainErrors.MalformedXML();
  if (ms % DAY_MS !== 0) {
    throw invalidArgument("'Date' must be at midnight GMT", "Date", value instanceof Date ? value.toISOString() : String(value));
  }
  return ms;
}

function positive(value: number | undefined, message: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) throw invalidArgument(message);
  return value;
}

function normalizeFilter(rule: LifecycleRuleInput): LifecycleFilter {
  if (rule.Prefix !== undefined && rule.Filter !== undefined) throw s3DomainErrors.MalformedXML();
  if (rule.Filter === undefined) {
    if (rule.Prefix === undefined) throw s3DomainErrors.MalformedXML();
    return { prefix: rule.Prefix, tags: [] };
  }
  const f = rule.Filter;
  const members = [f.Prefix, f.Tag, f.ObjectSizeGreaterThan, f.ObjectSizeLessThan, f.And].filter((m) => m !== undefined);
  // A Filter names one criterion; several are combined with <And>. An empty Filter matches all.
  if (members.length > 1) throw s3DomainErrors.MalformedXML();
  const tag = (t: TagInput): { key: string; value: string } => {
    if (t.Key === undefined) throw s3DomainErrors.MalformedXML();
    return { key: t.Key, value: t.Value ?? "" };
  };
  if (f.And) {
    // <And> combines predicates: one alone (a Prefix, one Tag) fails the schema
    // (hashicorp/terraform-provider-aws#23882 and #23296, S3's MalformedXML to an And holding only
    // a prefix; scality/cloudserver putBucketLifecycle.js for one tag). An empty Prefix counts.
    const predicates = (f.And.Prefix !== undefined ? 1 : 0) + (f.And.Tags?.length ?? 0) + (f.And.ObjectSizeGreaterThan !== undefined ? 1 : 0) + (f.And.ObjectSizeLessThan !== undefined ? 1 : 0);
    if (predicates < 2) throw s3DomainErrors.MalformedXML();
    const tags = (f.And.Tags ?? []).map(tag);
    const keys = new Set<string>();
    for (const t of tags) {
      if (keys.has(t.key)) throw invalidRequest("Duplicate Tag Keys are not allowed.");
      keys.add(t.key);
    }
    return {
      prefix: f.And.Prefix ?? "",
      tags,
      ...(f.And.ObjectSizeGreaterThan !== undefined ? { sizeGreaterThan: f.And.ObjectSizeGreaterThan } : {}),
      ...(f.And.ObjectSizeLessThan !== undefined ? { sizeLessThan: f.And.ObjectSizeLessThan } : {}),
    };
  }
  return {
    prefix: f.Prefix ?? "",
    tags: f.Tag ? [tag(f.Tag)] : [],
    ...(f.ObjectSizeGreaterThan !== undefined ? { sizeGreaterThan: f.ObjectSizeGreaterThan } : {}),
    ...(f.ObjectSizeLessThan !== undefined ? { sizeLessThan: f.ObjectSizeLessThan } : {}),
  };
}

function normalizeRule(rule: LifecycleRuleInput): LifecycleRule {
  if (rule.ID !== undefined && rule.ID.length > MAX_RULE_ID_LENGTH) {
    throw invalidArgument("ID length should not exceed allowed limit of 255", "ID", rule.ID);
  }
  if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw s3DomainErrors.MalformedXML();
  const filter = normalizeFilter(rule);
  const hasTags = filter.tags.length > 0;
  const hasSize = filter.sizeGreaterThan !== undefined || filter.sizeLessThan !== undefined;

  let expiration: LifecycleRule["expiration"];
  if (rule.Expiration) {
    const e = rule.Expiration;
    const marker = e.ExpiredObjectDeleteMarker;
    if (marker !== undefined && (e.Days !== undefined || e.Date !== undefined)) throw s3DomainErrors.MalformedXML();
    if (e.Days !== undefined && e.Date !== undefined) throw s3DomainErrors.MalformedXML();
    if (marker === undefined && e.Days === undefined && e.Date === undefined) throw s3DomainErrors.MalformedXML();
    if (marker === true && hasTags) throw invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.");
    if (marker === true && hasSize) throw invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Object Size.");
    const days = positive(e.Days, "'Days' for Expiration action must be a positive integer");
    expiration = {
      ...{}, ...(days !== undefined ? { days } : {}),
      ...(e.Date !== undefined ? { date: midnightDate(e.Date) } : {}),
      ...(marker !== undefined ? { expiredObjectDeleteMarker: marker } : {}),
    };
  }

  let noncurrentVersionExpiration: LifecycleRule["noncurrentVersionExpiration"];
  if (rule.NoncurrentVersionExpiration) {
    const n = rule.NoncurrentVersionExpiration;
    if (n.NoncurrentDays === undefined && n.NewerNoncurrentVersions === undefined) throw s3DomainErrors.MalformedXML();
    const noncurrentDays = positive(n.NoncurrentDays, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    const newer = positive(
      n.NewerNoncurrentVersions,
      "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer",
    );
    noncurrentVersionExpiration = {
      ...{}, ...(noncurrentDays !== undefined ? { noncurrentDays } : {}),
      ...(newer !== undefined ? { newerNoncurrentVersions: newer } : {}),
    };
  }

  let abortIncompleteMultipartUpload: LifecycleRule["abortIncompleteMultipartUpload"];
  if (rule.AbortIncompleteMultipartUpload) {
    const days = positive(
      rule.AbortIncompleteMultipartUpload.DaysAfterInitiation ?? 0,
      "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
    ) as number;
    if (hasTags) throw invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
    if (hasSize) throw invalidRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.");
    abortIncompleteMultipartUpload = { daysAfterInitiation: days };
  }

  const transitions = (rule.Transitions ?? []).map((t) => {
    if (t.StorageClass === undefined || !TRANSITION_STORAGE_CLASSES.includes(t.StorageClass)) throw s3DomainErrors.MalformedXML();
    if ((t.Days === undefined) === (t.Date === undefined)) throw s3DomainErrors.MalformedXML();
    if (t.Days !== undefined) {
      if (!Number.isInteger(t.Days) || t.Days < 0) throw invalidArgument("'Days' for Transition action must be a positive integer");
      const minimum = MIN_TRANSITION_DAYS[t.StorageClass];
      if (minimum !== undefined && t.Days < minimum) {
        throw invalidArgument(
          `'Days' in Transition action must be greater than or equal to ${minimum} for storageClass '${t.StorageClass}'`,
        );
      }
    }
    return {
      storageClass: t.StorageClass,
      ...(t.Days !== undefined ? { days: t.Days } : {}),
      ...(t.Date !== undefined ? { date: midnightDate(t.Date) } : {}),
    };
  });

  const noncurrentVersionTransitions = (rule.NoncurrentVersionTransitions ?? []).map((t) => {
    if (t.StorageClass === undefined || !TRANSITION_STORAGE_CLASSES.includes(t.StorageClass)) throw s3DomainErrors.MalformedXML();
    if (t.NoncurrentDays === undefined || !Number.isInteger(t.NoncurrentDays) || t.NoncurrentDays < 0) {
      throw invalidArgument("'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer");
    }
    const minimum = MIN_TRANSITION_DAYS[t.StorageClass];
    if (minimum !== undefined && t.NoncurrentDays < minimum) {
      throw invalidArgument(
        `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to ${minimum} for storageClass '${t.StorageClass}'`,
      );
    }
    return {
      noncurrentDays: t.NoncurrentDays,
      storageClass: t.StorageClass,
      ...(t.NewerNoncurrentVersions !== undefined ? { newerNoncurrentVersions: t.NewerNoncurrentVersions } : {}),
    };
  });

  // An expiration no later than a transition would leave the transition nothing to act on. S3
  // names the filter in its message; only a plain prefix filter's spelling is known ('(prefix=)'),
  // so rules with tags or sizes are not checked here.
  const plainPrefix = !hasTags && !hasSize ? `(prefix=${filter.prefix})` : undefined;
  // Transitions of one rule go to different classes, all by Days or all by Date, and by the same
  // kind of time as the rule's Expiration (S3's messages as CloudFormation passed them on in 2026;
  // scality/cloudserver putBucketLifecycle.js, written against S3 with the older "for prefix ''").
  if (plainPrefix !== undefined) {
    const classes = transitions.map((t) => t.storageClass);
    if (new Set(classes).size !== classes.length) {
      throw invalidRequest(`'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '${plainPrefix}'`);
    }
    const byDate = transitions.some((t) => t.date !== undefined);
    if (byDate && transitions.some((t) => t.days !== undefined)) {
      throw invalidRequest(`Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '${plainPrefix}'`);
    }
    const expirationByDate = expiration?.date !== undefined;
    if (transitions.length > 0 && (expiration?.days !== undefined || expirationByDate) && byDate !== expirationByDate) {
      throw invalidRequest(`Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '${plainPrefix}'`);
    }
  }
  if (plainPrefix !== undefined && expiration?.days !== undefined) {
    const expirationDays = expiration.days;
    if (transitions.some((t) => t.days !== undefined && expirationDays <= t.days)) {
      throw invalidArgument(`'Days' in the Expiration action for filter '${plainPrefix}' must be greater than 'Days' in the Transition action`);
    }
  }
  if (plainPrefix !== undefined && noncurrentVersionExpiration?.noncurrentDays !== undefined) {
    const noncurrentDays = noncurrentVersionExpiration.noncurrentDays;
    if (noncurrentVersionTransitions.some((t) => noncurrentDays <= t.noncurrentDays)) {
      throw invalidArgument(
        `'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '${plainPrefix}' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action`,
      );
    }
  }

  if (!expiration && !noncurrentVersionExpiration && !abortIncompleteMultipartUpload && transitions.length === 0 && noncurrentVersionTransitions.length === 0) {
    throw invalidRequest("At least one action needs to be specified in a rule");
  }

  return {
    ...{}, ...(rule.ID !== undefined ? { id: rule.ID } : {}),
    enabled: rule.Status === "Enabled",
    filter,
    ...(expiration ? { expiration } : {}),
    ...(noncurrentVersionExpiration ? { noncurrentVersionExpiration } : {}),
    ...(abortIncompleteMultipartUpload ? { abortIncompleteMultipartUpload } : {}),
    transitions,
    noncurrentVersionTransitions,
  };
}

/**
 * Validates a PutBucketLifecycleConfiguration body and returns its rules in normal form.
 * A rule without an ID keeps none here; S3 assigns one, which the caller may do.
 */
export function validateLifecycleConfiguration(rules: readonly LifecycleRuleInput[]): LifecycleRule[] {
  if (rules.length === 0 || rules.length > MAX_LIFECYCLE_RULES) throw s3DomainErrors.MalformedXML();
  const normalized = rules.map(normalizeRule);
  const ids = new Set<string>();
  for (const rule of normalized) {
    if (rule.id === undefined) continue;
    if (ids.has(rule.id)) throw invalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", rule.id);
    ids.add(rule.id);
  }
  return normalized;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What a rule needs to know about one object version. */
export interface ObjectVersionFacts {
  readonly key: string;
  /** 0 for delete markers. */
  readonly size: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly isDeleteMarker: boolean;
  /** Is this the current version of its key? */
  readonly isLatest: boolean;
  /** Creation time of this version, epoch ms. */
  readonly lastModified: number;
  /** For a noncurrent version: when its successor was created. */
  readonly noncurrentSince?: number;
  /** For a noncurrent version: how many noncurrent versions of the key are newer than it. */
  readonly newerNoncurrentVersions?: number;
  /** For a current delete marker: whether other versions of the key remain. */
  readonly hasNoncurrentVersions?: boolean;
  readonly storageClass?: string;
}

export type LifecycleActionType =
  /** Expire the current version (delete, or add a delete marker, by versioning state). */
  | "Expiration"
  /** Remove a current delete marker that has no noncurrent versions left. */
  | "ExpiredObjectDeleteMarker"
  /** Permanently delete a noncurrent version. */
  | "NoncurrentVersionExpiration"
  | "Transition"
  | "NoncurrentVersionTransition";

export interface LifecycleAction {
  readonly type: LifecycleActionType;
  /** Epoch ms at which the action becomes due. */
  readonly dueAt: number;
  readonly ruleId?: string;
  readonly storageClass?: string;
}

export interface EvaluationOptions {
  /** The bucket's TransitionDefaultMinimumSize; the default skips objects under 128 KiB. */
  readonly transitionDefaultMinimumSize?: "all_storage_classes_128K" | "varies_by_storage_class";
  /** Decides whether "Expiration" is a permanent deletion (unversioned) for precedence. */
  readonly versioning?: "Unversioned" | "Enabled" | "Suspended";
}

/** Does the rule's filter select this object version? */
export function ruleMatches(rule: LifecycleRule, facts: Pick<ObjectVersionFacts, "key" | "size" | "tags" | "isDeleteMarker">): boolean {
  const f = rule.filter;
  if (!facts.key.startsWith(f.prefix)) return false;
  // Delete markers carry neither tags nor a size, so tag or size rules never select them.
  if (facts.isDeleteMarker && (f.tags.length > 0 || f.sizeGreaterThan !== undefined || f.sizeLessThan !== undefined)) return false;
  for (const t of f.tags) if (facts.tags[t.key] !== t.value) return false;
  if (f.sizeGreaterThan !== undefined && !(facts.size > f.sizeGreaterThan)) return false;
  if (f.sizeLessThan !== undefined && !(facts.size < f.sizeLessThan)) return false;
  return true;
}

function withId(rule: LifecycleRule): { ruleId?: string } {
  return rule.id !== undefined ? { ruleId: rule.id } : {};
}

/** Every action the enabled rules schedule for one object version, due or not. */
export function scheduledActions(rules: readonly LifecycleRule[], facts: ObjectVersionFacts, options: EvaluationOptions = {}): LifecycleAction[] {
  const actions: LifecycleAction[] = [];
  for (const rule of rules) {
    if (!rule.enabled || !ruleMatches(rule, facts)) continue;
    if (facts.isLatest) {
      if (facts.isDeleteMarker) {
        // An "expired object delete marker": the current version is a marker and nothing else
        // remains. ExpiredObjectDeleteMarker removes it; so does a Days expiration once the
        // marker is old enough ("When you specify the Days tag, Amazon S3 automatically performs
        // ExpiredObjectDeleteMarker cleanup when the delete markers are old enough").
        if (facts.hasNoncurrentVersions) continue;
        if (rule.expiration?.expiredObjectDeleteMarker) {
          actions.push({ type: "ExpiredObjectDeleteMarker", dueAt: facts.lastModified, ...withId(rule) });
        } else if (rule.expiration?.days !== undefined) {
          actions.push({ type: "ExpiredObjectDeleteMarker", dueAt: dueAfterDays(facts.lastModified, rule.expiration.days), ...withId(rule) });
        }
        continue;
      }
      if (rule.expiration?.days !== undefined) {
        actions.push({ type: "Expiration", dueAt: dueAfterDays(facts.lastModified, rule.expiration.days), ...withId(rule) });
      }
      if (rule.expiration?.date !== undefined) {
        actions.push({ type: "Expiration", dueAt: rule.expiration.date, ...withId(rule) });
      }
      for (const t of rule.transitions) {
        if (!transitionAllowed(rule, facts, t.storageClass, options)) continue;
        const dueAt = t.days !== undefined ? dueAfterDays(facts.lastModified, t.days) : (t.date as number);
        actions.push({ type: "Transition", dueAt, storageClass: t.storageClass, ...withId(rule) });
      }
      continue;
    }
    // Noncurrent versions, delete markers included, expire like any other noncurrent version.
    const since = facts.noncurrentSince ?? facts.lastModified;
    const newer = facts.newerNoncurrentVersions ?? 0;
    const nve = rule.noncurrentVersionExpiration;
    if (nve && newer >= (nve.newerNoncurrentVersions ?? 0)) {
      const dueAt = nve.noncurrentDays !== undefined ? dueAfterDays(since, nve.noncurrentDays) : since;
      actions.push({ type: "NoncurrentVersionExpiration", dueAt, ...withId(rule) });
    }
    if (!facts.isDeleteMarker) {
      for (const t of rule.noncurrentVersionTransitions) {
        if (!transitionAllowed(rule, facts, t.storageClass, options) || newer < (t.newerNoncurrentVersions ?? 0)) continue;
        actions.push({ type: "NoncurrentVersionTransition", dueAt: dueAfterDays(since, t.noncurrentDays), storageClass: t.storageClass, ...withId(rule) });
      }
    }
  }
  return actions;
}

/**
 * S3's waterfall (user guide, "Supported lifecycle transitions"): from S3 Standard to any class;
 * from Standard-IA to Intelligent-Tiering, One Zone-IA, Glacier IR, Glacier or Deep Archive;
 * from Intelligent-Tiering to One Zone-IA, Glacier IR, Glacier or Deep Archive; from One Zone-IA
 * or Glacier IR to Glacier or Deep Archive; from Glacier to Deep Archive; and from any class to
 * Deep Archive. Never back up the waterfall, so a version already in a colder class stays there.
 * Reduced Redundancy counts as Standard, as the guide before Glacier IR had it ("from the
 * STANDARD or REDUCED_REDUNDANCY storage classes to any other storage class").
 */
const TRANSITIONS_FROM: Readonly<Record<string, readonly string[]>> = {
  STANDARD_IA: ["INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"],
  INTELLIGENT_TIERING: ["ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"],
  ONEZONE_IA: ["GLACIER", "DEEP_ARCHIVE"],
  GLACIER_IR: ["GLACIER", "DEEP_ARCHIVE"],
  GLACIER: ["DEEP_ARCHIVE"],
  DEEP_ARCHIVE: [],
};

/** May lifecycle move a version from `from` (undefined: Standard) to `to`? */
export function supportedTransition(from: string | undefined, to: string): boolean {
  if (from === undefined || from === "STANDARD" || from === "REDUCED_REDUNDANCY") return true;
  return (TRANSITIONS_FROM[from] ?? ["DEEP_ARCHIVE"]).includes(to);
}

/** Small objects only reach these classes under `varies_by_storage_class`. */
const SMALL_OBJECT_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];

function transitionAllowed(rule: LifecycleRule, facts: ObjectVersionFacts, storageClass: string, options: EvaluationOptions): boolean {
  if (!supportedTransition(facts.storageClass, storageClass)) return false;
  // "Custom filters always take precedence over the default transition behavior."
  const explicitSize = rule.filter.sizeGreaterThan !== undefined || rule.filter.sizeLessThan !== undefined;
  if (explicitSize || facts.size >= DEFAULT_TRANSITION_MINIMUM_SIZE) return true;
  // varies_by_storage_class: "Objects smaller than 128 KB will transition to Glacier Flexible
  // Retrieval or Glacier Deep Archive storage classes. By default, all other storage classes will
  // prevent transitions smaller than 128 KB."
  return options.transitionDefaultMinimumSize === "varies_by_storage_class" && SMALL_OBJECT_CLASSES.includes(storageClass);
}

function precedence(type: LifecycleActionType, options: EvaluationOptions): number {
  switch (type) {
    case "NoncurrentVersionExpiration":
    case "ExpiredObjectDeleteMarker":
      return 0;
    case "Expiration":
      // In an unversioned bucket expiring the current version deletes it for good.
      return (options.versioning ?? "Unversioned") === "Unversioned" ? 0 : 2;
    case "Transition":
    case "NoncurrentVersionTransition":
      return 1;
  }
}

/**
 * The action to perform on this version at `now`, if any. When several are due, S3's
 * precedence applies: "Permanent deletion takes precedence over transition. Transition takes
 * precedence over creation of delete markers", and among transitions the colder class wins
 * (GLACIER over STANDARD_IA).
 */
export function dueAction(rules: readonly LifecycleRule[], facts: ObjectVersionFacts, now: number, options: EvaluationOptions = {}): LifecycleAction | undefined {
  const due = scheduledActions(rules, facts, options).filter((a) => a.dueAt <= now);
  return due.sort(
    (a, b) =>
      precedence(a.type, options) - precedence(b.type, options) ||
      coldness(b.storageClass) - coldness(a.storageClass) ||
      a.dueAt - b.dueAt,
  )[0];
}

const COLDNESS: Readonly<Record<string, number>> = {
  STANDARD_IA: 1,
  ONEZONE_IA: 1,
  INTELLIGENT_TIERING: 1,
  GLACIER_IR: 2,
  GLACIER: 3,
  DEEP_ARCHIVE: 4,
};

function coldness(storageClass: string | undefined): number {
  return storageClass === undefined ? 0 : (COLDNESS[storageClass] ?? 0);
}

/** When the next action on this version falls due (for the scheduler), or undefined. */
export function nextActionTime(rules: readonly LifecycleRule[], facts: ObjectVersionFacts, options: EvaluationOptions = {}): number | undefined {
  const times = scheduledActions(rules, facts, options).map((a) => a.dueAt);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/**
 * The x-amz-expiration header of a current version (PutObject, CopyObject,
 * CompleteMultipartUpload, HeadObject, GetObject):
 * `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`, from the
 * earliest Expiration that applies. Undefined when none does. "The value of rule-id is
 * URL-encoded" (API reference), as a rule ID may hold any character, quotes and commas too.
 */
export function expirationHeader(rules: readonly LifecycleRule[], facts: ObjectVersionFacts): string | undefined {
  const first = firstExpiration(rules, facts);
  if (!first) return undefined;
  return `expiry-date="${new Date(first.dueAt).toUTCString()}", rule-id="${encodeURIComponent(first.ruleId ?? "")}"`;
}

/** When a rule will first expire a current version, and which rule (x-amz-expiration, inventory's LifecycleExpirationDate). */
export function firstExpiration(rules: readonly LifecycleRule[], facts: ObjectVersionFacts): { readonly dueAt: number; readonly ruleId?: string } | undefined {
  const expirations = scheduledActions(rules, { ...{}, ...facts, isLatest: true, isDeleteMarker: false })
    .filter((a) => a.type === "Expiration")
    .sort((a, b) => a.dueAt - b.dueAt);
  return expirations[0];
}

/**
 * AbortIncompleteMultipartUpload for an upload: when it is due and by which rule (the
 * x-amz-abort-date / x-amz-abort-rule-id headers of CreateMultipartUpload and ListParts).
 * Only prefix filters apply to uploads (tags and sizes are refused with this action).
 */
export function uploadAbortSchedule(
  rules: readonly LifecycleRule[],
  upload: { readonly key: string; readonly initiated: number },
): { readonly abortAt: number; readonly ruleId?: string } | undefined {
  let best: { abortAt: number; ruleId?: string } | undefined;
  for (const rule of rules) {
    const abort = rule.abortIncompleteMultipartUpload;
    if (!rule.enabled || !abort || !upload.key.startsWith(rule.filter.prefix)) continue;
    const abortAt = dueAfterDays(upload.initiated, abort.daysAfterInitiation);
    if (!best || abortAt < best.abortAt) best = { abortAt, ...withId(rule) };
  }
  return best;
}

/** The x-amz-abort-date header value (RFC 1123). */
export function abortDateHeader(abortAt: number): string {
  return new Date(abortAt).toUTCString();
}
