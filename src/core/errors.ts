/**
 * AWS errors as data. A service lists its errors in its own `errors.ts` with `defineErrors`,
 * quoting the exact AWS message; handlers throw them; the protocol layer serializes them in
 * the service's protocol. Nothing here knows about HTTP bodies.
 */

export interface AwsErrorSpec {
  /** The error code AWS sends (`__type`, `<Code>`, `x-amzn-ErrorType`). */
  readonly code: string;
  /** HTTP status AWS answers with. */
  readonly status: number;
  /** Exact AWS message; `{name}` placeholders are filled from the params given when thrown. */
  readonly message: string;
  /** Query-protocol fault type. Defaults to Sender for 4xx, Receiver for 5xx. */
  readonly type?: "Sender" | "Receiver";
  /**
   * For awsQueryCompatible services (SQS): the code that query clients see, which differs
   * from the JSON shape name (`QueueDoesNotExist` vs `AWS.SimpleQueueService.NonExistentQueue`).
   */
  readonly queryCode?: string;
  /** JSON protocols: the member that carries the message, where it is not the service's usual one (see AwsErrorOptions). */
  readonly messageKey?: "message" | "Message";
  /**
   * For awsQueryCompatible services: the message query clients see, where AWS words it apart
   * from the JSON one (SQS's NonExistentQueue adds "for this wsdl version").
   */
  readonly queryMessage?: string;
}

export interface AwsErrorOptions {
  /** Extra members of the error shape (S3 `BucketName`, DynamoDB `CancellationReasons`...). */
  fields?: Record<string, unknown>;
  /** Extra response headers (S3 `x-amz-delete-marker` on a 404, `Allow` on 405...). */
  headers?: Record<string, string>;
  type?: "Sender" | "Receiver";
  queryCode?: string;
  queryMessage?: string;
  /**
   * JSON protocols: the member that carries the message when this answer's differs from the
   * error's usual one (DynamoDB's ConditionalCheckFailedException writes "Message" beside an Item).
   */
  messageKey?: "message" | "Message";
}

/**
 * Raised by the server on a request's body stream when the body stopped coming for the idle
 * timeout (the client sent fewer bytes than it declared, and waits). A service whose dialect
 * answers it (S3's RequestTimeout) has that answer sent before the connection closes; for any
 * other the connection is closed unanswered.
 */
export class StalledBody extends Error {
  override readonly name = "StalledBody";
  constructor() {
    super("the request body stopped coming for the idle timeout");
  }
}

export class AwsError extends Error {
  override readonly name = "AwsError";
  readonly fields: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly type: "Sender" | "Receiver";
  readonly queryCode: string | undefined;
  readonly queryMessage: string | undefined;
  readonly messageKey: "message" | "Message" | undefined;

  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    options: AwsErrorOptions = {},
  ) {
    // An AWS error is an answer, not a fault: nothing prints its stack, and capturing one (async
    // frames included) was a third of the cost of a GetObject answered with NoSuchKey.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    this.type = options.type ?? (status >= 500 ? "Receiver" : "Sender");
    this.queryCode = options.queryCode;
    this.queryMessage = options.queryMessage;
    this.messageKey = options.messageKey;
  }
}

/**
 * Whether a call to another service (a notification, a delivery, a destination) failed on that
 * service's own side, so that a later attempt may get through: a 5xx, or a failure that is no AWS
 * error at all (its database full or read-only). A 4xx is a refusal (no such queue, access
 * denied), which trying again does not change.
 */
export function failedOnItsOwnSide(error: unknown): boolean {
  return !(error instanceof AwsError) || error.status >= 500;
}

export function formatMessage(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in params ? String(params[key]) : whole,
  );
}

export type ErrorFactory = (params?: Record<string, unknown>, options?: AwsErrorOptions) => AwsError;

/** Turns a table of error specs into factories: `errors.NoSuchBucket({ name })`. */
export function defineErrors<K extends string>(specs: Record<K, AwsErrorSpec>): Record<K, ErrorFactory> & { specs: Record<K, AwsErrorSpec> } {
  const out: Record<string, unknown> = { specs };
  for (const key of Object.keys(specs) as K[]) {
    const spec = specs[key];
    out[key] = (params: Record<string, unknown> = {}, options: AwsErrorOptions = {}) =>
      new AwsError(spec.code, formatMessage(spec.message, params), spec.status, {
        type: spec.type,
        queryCode: spec.queryCode,
        queryMessage: spec.queryMessage === undefined ? undefined : formatMessage(spec.queryMessage, params),
        messageKey: spec.messageKey,
        ...options,
      });
  }
  return out as Record<K, ErrorFactory> & { specs: Record<K, AwsErrorSpec> };
}

/** Errors every service can answer, produced by the protocol layer itself. */
export const commonErrors = defineErrors({
  NotImplemented: {
    code: "NotImplemented",
    status: 501,
    message: "The operation {operation} of service {service} is not yet implemented by Nimbus.",
  },
  UnknownOperation: {
    code: "UnknownOperationException",
    status: 400,
    message: "The operation {operation} is not recognised by service {service}.",
  },
  InvalidAction: {
    code: "InvalidAction",
    status: 400,
    message: "The action {operation} is not valid for this web service.",
  },
  UnknownService: {
    code: "UnknownService",
    status: 400,
    message: "Nimbus could not tell which AWS service this request is for. Sign it with SigV4 (the credential scope names the service) or send the X-Amz-Target header.",
  },
  MissingAction: {
    code: "MissingAction",
    status: 400,
    message: "Could not find operation to execute in the request.",
  },
  SerializationException: {
    code: "SerializationException",
    status: 400,
    message: "{detail}",
  },
  MalformedQueryString: {
    code: "MalformedQueryString",
    status: 400,
    message: "{detail}",
  },
  MalformedXML: {
    code: "MalformedXML",
    status: 400,
    message: "The XML you provided was not well-formed or did not validate against our published schema",
  },
  UnsupportedMediaType: {
    code: "UnsupportedMediaTypeException",
    status: 415,
    message: "Unsupported Media Type: {contentType}",
  },
  RequestEntityTooLarge: {
    code: "RequestEntityTooLarge",
    status: 413,
    message: "Request body of {size} bytes exceeds the maximum of {limit} bytes.",
  },
  // S3's answer to a path whose percent-encoding is not UTF-8 (`/bucket/%FF`): its error-code
  // table lists InvalidURI, 400, "Couldn't parse the specified URI." The other REST services
  // answer the same, as the nearest AWS error for a path that cannot be decoded.
  InvalidURI: {
    code: "InvalidURI",
    status: 400,
    message: "Couldn't parse the specified URI.",
  },
  InternalFailure: {
    code: "InternalFailure",
    status: 500,
    message: "The request processing has failed because of an unknown error, exception or failure.",
  },
});
