import { defineErrors, type AwsError } from "../../core/errors.js";

/**
 * Lambda's errors as it sends them: rest-json with `Type` ("User" or "Service") and `message`
 * members. Messages quoted from what Lambda answers (API reference, observed responses).
 */
const specs = defineErrors({
  FunctionNotFound: { code: "ResourceNotFoundException", status: 404, message: "Function not found: {arn}" },
  // A function policy that does not let a service (S3, SNS) or another caller invoke it, in auth/access.ts's words.
  AccessDenied: { code: "AccessDeniedException", status: 403, message: "{message}" },
  AliasNotFound: { code: "ResourceNotFoundException", status: 404, message: "Alias not found: {arn}" },
  MappingNotFound: {
    code: "ResourceNotFoundException",
    status: 404,
    message: "The resource you requested does not exist.",
  },
  LayerNotFound: {
    code: "ResourceNotFoundException",
    status: 404,
    message: "The resource you requested does not exist.",
  },
  PolicyNotFound: {
    code: "ResourceNotFoundException",
    status: 404,
    message: "The resource you requested does not exist.",
  },
  EventInvokeConfigNotFound: {
    code: "ResourceNotFoundException",
    status: 404,
    message: "The function {arn} doesn't have an EventInvokeConfig",
  },
  StatementNotFound: {
    code: "ResourceNotFoundException",
    status: 404,
    message: "Statement {sid} is not found in resource policy.",
  },
  ResourceNotFound: { code: "ResourceNotFoundException", status: 404, message: "The resource you requested does not exist." },
  // Function URL operations name a missing function this way (CreateFunctionUrlConfig, Update, List).
  UrlFunctionNotFound: { code: "ResourceNotFoundException", status: 404, message: "Function does not exist" },
  ProvisionedAliasNotFound: { code: "ResourceNotFoundException", status: 404, message: "Cannot find alias arn: {arn}" },
  ProvisionedConfigNotFound: {
    code: "ProvisionedConcurrencyConfigNotFoundException",
    status: 404,
    message: "No Provisioned Concurrency Config found for this function",
  },
  FunctionUrlExists: {
    code: "ResourceConflictException",
    status: 409,
    message: "Failed to create function url config for [functionArn = {arn}]. Error message:  FunctionUrlConfig exists for this Lambda function",
  },
  ResourceConflict: { code: "ResourceConflictException", status: 409, message: "{message}" },
  FunctionExists: { code: "ResourceConflictException", status: 409, message: "Function already exist: {name}" },
  AliasExists: { code: "ResourceConflictException", status: 409, message: "Alias already exists: {arn}" },
  StatementExists: {
    code: "ResourceConflictException",
    status: 409,
    message: "The statement id ({sid}) provided already exists. Please provide a new statement id, or remove the existing statement.",
  },
  // Both conflicts name the function by its name, not its ARN: "function (\" gap-watch-request-reader \")"
  // as CloudFormation passes on Lambda's answer, and LocalStack's AWS-recorded
  // test_duplicate_event_source_mappings snapshot for a DynamoDB stream.
  MappingExists: {
    code: "ResourceConflictException",
    status: 409,
    message:
      "An event source mapping with {source} arn (\" {arn} \") and function (\" {function} \") already exists. Please update or delete the existing mapping with UUID {uuid}",
  },
  // Kinesis and DynamoDB stream sources word it otherwise (as pasted from CloudFormation's
  // "Resource handler returned message" in CDK redeploy failures, and in LocalStack's provider).
  StreamMappingExists: {
    code: "ResourceConflictException",
    status: 409,
    message: "The event source arn (\" {arn} \") and function (\" {function} \") provided mapping already exists. Please update or delete the existing mapping with UUID {uuid}",
  },
  VersionInUse: {
    code: "ResourceConflictException",
    status: 409,
    message: "Unable to delete version because the following aliases reference it: [{aliases}]",
  },
  PreconditionFailed: {
    code: "PreconditionFailedException",
    status: 412,
    message: "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
  },
  InvalidParameterValue: { code: "InvalidParameterValueException", status: 400, message: "{message}" },
  Validation: { code: "ValidationException", status: 400, message: "{message}" },
  Throttled: { code: "TooManyRequestsException", status: 429, message: "Rate Exceeded." },
  // What Lambda answers when it fails itself (here: the disk is full, descriptors ran out), with
  // `Type` "Service"; the message as the Java and JS SDKs have printed it from Lambda's answer.
  ServiceException: { code: "ServiceException", status: 500, message: "An error occurred and the request cannot be processed." },
  RequestTooLarge: {
    code: "RequestEntityTooLargeException",
    status: 413,
    message: "Request must be smaller than {limit} bytes for the {operation} operation",
  },
  PayloadTooLarge: {
    code: "RequestTooLargeException",
    status: 413,
    message: "Request must be smaller than {limit} bytes for the {operation} operation",
  },
});

type Factories = typeof specs;

/** Every Lambda error carries `Type`: "User" for the caller's mistakes, as Lambda sends it. */
export const errors = new Proxy(specs, {
  get(target, key: string) {
    const value = target[key as keyof Factories];
    if (typeof value !== "function") return value;
    return (params?: Record<string, unknown>, options: Parameters<typeof value>[1] = {}): AwsError =>
      value(params, { ...{}, ...options, fields: { Type: "User", ...(options.fields ?? {}) } });
  },
}) as Factories;
