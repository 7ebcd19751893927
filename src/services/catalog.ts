/**
 * Every service of the study guide, by model. A service with a provider module answers its
 * implemented operations; the rest of its model answers 501 NotImplemented in its own protocol.
 * Adding a service = a line here + `services/<id>/index.ts`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { ServiceDefinition } from "../core/service.js";
import type { ServiceRegistry } from "../server/registry.js";
import { isFunctionUrlHost } from "./lambda/function-urls.js";
import { isQueuePath } from "./sqs/queue-path.js";

/** Answers a request outside the AWS protocols, in plain HTTP. */
export type PlainHttpHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
  registry: ServiceRegistry,
) => Promise<void>;

/**
 * Requests a service takes before any AWS API dispatch: by host (Lambda function URLs, whatever
 * the path) or by path prefix (SNS's records of what it "sent"). The handler module loads on
 * the first matching request; the matchers run on every request, so they stay cheap.
 */
export interface PlainHttpRoutes {
  readonly host?: (host: string) => boolean;
  readonly pathPrefixes?: readonly string[];
  readonly handler: () => Promise<{ default: PlainHttpHandler }>;
}

export interface CatalogEntry {
  /** Nimbus's id for the service: the model prefix (folder name under services/). */
  readonly id: string;
  /** File name of the model in aws-sdk/apis without `.min.json`. */
  readonly model: string;
  /**
   * The frozen v2 model predates a protocol that current SDKs send. The query services that
   * AWS moved to JSON with awsQueryCompatible keep answering query clients as before.
   */
  readonly jsonTargetPrefix?: string;
  /**
   * A previous API version AWS still serves beside the current one (DynamoDB's 2011-12-05, for
   * backward compatibility): its model file, answered by the provider's previousVersion.
   */
  readonly previousModel?: string;
  /** XML namespace of query responses where the (JSON) model no longer names it. */
  readonly xmlNamespace?: string;
  /** Lazy import of the provider: models and handlers load on first use, not at start-up. */
  readonly provider?: () => Promise<{ default: ServiceDefinition }>;
  readonly plainHttp?: PlainHttpRoutes;
  /**
   * Request paths that are this service's, whatever the Action of a query request nothing else
   * names a service for (SQS's queue URLs, `/<account>/<queue>`): tried before the Actions.
   */
  readonly ownsPath?: (path: string) => boolean;
  /**
   * Services whose listeners this one's start talks to: they are loaded and started before it,
   * whichever is asked for first. Services load concurrently (a restart resumes all of them at
   * once), so without it an event published by this start could find no one listening yet.
   */
  readonly startsAfter?: readonly string[];
}

export const catalog: readonly CatalogEntry[] = [
  { id: "sts", model: "sts-2011-06-15", provider: () => import("./sts/index.js") },
  { id: "s3", model: "s3-2006-03-01", xmlNamespace: "http://s3.amazonaws.com/doc/2006-03-01/", provider: () => import("./s3/index.js") },
  { id: "dynamodb", model: "dynamodb-2012-08-10", previousModel: "dynamodb-2011-12-05", provider: () => import("./dynamodb/index.js") },
  // Its start asks DynamoDB for the stream records it has not received (dynamodb:StreamSyncRequested).
  { id: "dynamodbstreams", model: "streams.dynamodb-2012-08-10", provider: () => import("./dynamodbstreams/index.js"), startsAfter: ["dynamodb"] },
  { id: "sqs", model: "sqs-2012-11-05", xmlNamespace: "http://queue.amazonaws.com/doc/2012-11-05/", provider: () => import("./sqs/index.js"), ownsPath: isQueuePath },
  // (One line per entry: scripts/codegen.mjs reads the ids and models from these lines.)
  { id: "sns", model: "sns-2010-03-31", provider: () => import("./sns/index.js"), plainHttp: { pathPrefixes: ["/_aws/sns/", "/_nimbus/sns/", "/SimpleNotificationService-"], handler: () => import("./sns/internal-endpoints.js") } },
  { id: "lambda", model: "lambda-2015-03-31", provider: () => import("./lambda/index.js"), plainHttp: { host: isFunctionUrlHost, handler: () => import("./lambda/function-urls.js") } },
  { id: "logs", model: "logs-2014-03-28", provider: () => import("./logs/index.js") },
  // The current @aws-sdk/client-cloudwatch speaks JSON 1.0 with this target prefix.
  { id: "monitoring", model: "monitoring-2010-08-01", jsonTargetPrefix: "GraniteServiceVersion20100801" },
  { id: "events", model: "events-2015-10-07" },
  { id: "apigateway", model: "apigateway-2015-07-09" },
  { id: "apigatewayv2", model: "apigatewayv2-2018-11-29" },
  { id: "kinesis", model: "kinesis-2013-12-02" },
  { id: "firehose", model: "firehose-2015-08-04" },
  { id: "kinesisanalytics", model: "kinesisanalytics-2015-08-14" },
  { id: "states", model: "states-2016-11-23" },
  { id: "cloudformation", model: "cloudformation-2010-05-15" },
  { id: "iam", model: "iam-2010-05-08" },
  { id: "kms", model: "kms-2014-11-01" },
  { id: "secretsmanager", model: "secretsmanager-2017-10-17" },
  { id: "ssm", model: "ssm-2014-11-06" },
  { id: "xray", model: "xray-2016-04-12" },
  { id: "cognito-idp", model: "cognito-idp-2016-04-18" },
  { id: "cognito-identity", model: "cognito-identity-2014-06-30" },
  { id: "ec2", model: "ec2-2016-11-15" },
  { id: "ecs", model: "ecs-2014-11-13" },
  { id: "ecr", model: "ecr-2015-09-21" },
  { id: "elasticloadbalancing", model: "elasticloadbalancing-2012-06-01" },
  { id: "elasticloadbalancingv2", model: "elasticloadbalancingv2-2015-12-01" },
  { id: "autoscaling", model: "autoscaling-2011-01-01" },
  { id: "elasticbeanstalk", model: "elasticbeanstalk-2010-12-01" },
  { id: "rds", model: "rds-2014-10-31" },
  { id: "elasticache", model: "elasticache-2015-02-02" },
  { id: "route53", model: "route53-2013-04-01" },
  { id: "cloudfront", model: "cloudfront-2020-05-31" },
  { id: "wafv2", model: "wafv2-2019-07-29" },
  { id: "codecommit", model: "codecommit-2015-04-13" },
  { id: "codebuild", model: "codebuild-2016-10-06" },
  { id: "codedeploy", model: "codedeploy-2014-10-06" },
  { id: "codepipeline", model: "codepipeline-2015-07-09" },
  { id: "cloudtrail", model: "cloudtrail-2013-11-01" },
  { id: "organizations", model: "organizations-2016-11-28" },
  { id: "resource-groups", model: "resource-groups-2017-11-27" },
  { id: "cloud9", model: "cloud9-2017-09-23" },
  { id: "inspector", model: "inspector-2016-02-16" },
  { id: "cloudhsmv2", model: "cloudhsmv2-2017-04-28" },
  { id: "dax", model: "dax-2017-04-19" },
  { id: "acm", model: "acm-2015-12-08" },
  { id: "email", model: "email-2010-12-01" },
];
