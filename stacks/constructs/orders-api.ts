import { ApiGatewayApiKey } from "@cdktf/provider-aws/lib/api-gateway-api-key";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayModel } from "@cdktf/provider-aws/lib/api-gateway-model";
import { ApiGatewayRequestValidator } from "@cdktf/provider-aws/lib/api-gateway-request-validator";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { ApiGatewayUsagePlan } from "@cdktf/provider-aws/lib/api-gateway-usage-plan";
import { ApiGatewayUsagePlanKey } from "@cdktf/provider-aws/lib/api-gateway-usage-plan-key";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Aspects, type TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { SUMMARY_ATTRIBUTES } from "../../functions/domain/fields";
import type { ApiAuth, ApiSettings } from "../config";
import { grant, regionalRoleName, serviceRole } from "./iam";
import { keyUseStatements } from "./key-use";
import { redeployOnChange } from "./redeploy-on-change";
import { terraformTemplate } from "./templates";
import { WebAcl } from "./web-acl";

export interface OrdersApiProps {
  /** Prefix of every name, e.g. `cqrs-direct-dev`. */
  readonly namePrefix: string;
  readonly region: string;
  /** Receives `POST /order` (PutItem). */
  readonly detailsTable: DynamodbTable;
  /** Serves `GET /{accountid}` (GetItem). */
  readonly summaryTable: DynamodbTable;
  /** Stage name, throttling, and how every method authenticates callers (`settings.auth`). */
  readonly settings: ApiSettings;
  readonly logRetentionDays: number;
  /** Partition of the region (`aws`, `aws-cn`, ...), for the integration ARNs. */
  readonly partition: string;
  /** Customer managed key of the tables, when configured: the integration role then uses it too. */
  readonly kmsKeyArn?: string;
}

const JSON_TYPE = "application/json";

/** One read capacity unit serves two eventually consistent reads per second of an item up to 4 KB. */
const EVENTUALLY_CONSISTENT_READS_PER_RCU = 2;

/**
 * A stage method settings key, `{resource_path}/{http_method}`, with the resource path's slashes
 * written `~1` as API Gateway's stage patch paths require: `/{accountid}` + GET -> `~1{accountid}/GET`.
 */
export function methodSettingsPath(resourcePath: string, httpMethod: string): string {
  return `${resourcePath.replaceAll("/", "~1")}/${httpMethod}`;
}

/** The summary resource, `/{accountid}`, directly under the root: its path parameter is the summary's key. */
const ACCOUNT_PATH_PARAMETER = SUMMARY_ATTRIBUTES.accountId;
const ACCOUNT_PATH_PART = `{${ACCOUNT_PATH_PARAMETER}}`;

/** Access log line: one JSON object per request. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  status: "$context.status",
  responseLength: "$context.responseLength",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integration.latency",
  errorMessage: "$context.error.message",
  validationError: "$context.error.validationErrorString",
});

/** DynamoDB answers client errors with 400 and server errors with 5xx; the body names the error type. */
const ERROR_RESPONSES = [
  { statusCode: "400", selectionPattern: "4\\d{2}" },
  { statusCode: "500", selectionPattern: "5\\d{2}" },
] as const;

interface RouteProps {
  readonly httpMethod: "GET" | "POST";
  readonly resource: ApiGatewayResource;
  readonly action: "PutItem" | "GetItem";
  readonly requestTemplate: string;
  readonly successTemplate: string;
  /** Status codes the success or error template may set through `$context.responseOverride.status`. */
  readonly overrideStatusCodes: readonly string[];
  readonly requestModels?: Record<string, string>;
  readonly requestParameters?: Record<string, boolean>;
  readonly validator: ApiGatewayRequestValidator;
}

/**
 * REST API writing orders straight into the details table and reading summaries straight from the
 * summary table: VTL mapping templates, no Lambda in the request path.
 */
export class OrdersApi extends Construct {
  public readonly restApi: ApiGatewayRestApi;
  public readonly stage: ApiGatewayStage;
  public readonly role: IamRole;
  public readonly accessLogGroup: CloudwatchLogGroup;
  /** Base URL of the stage, e.g. `https://abc.execute-api.us-east-1.amazonaws.com/dev`. */
  public readonly invokeUrl: string;
  /** The client key (its value generated by AWS), in `api_key` mode. */
  public readonly apiKey?: ApiGatewayApiKey;
  /** The WAFv2 web ACL protecting the stage, when `settings.waf`. */
  public readonly webAcl?: WebAcl;
  /** The usage plan attaching the client key to the stage, in `api_key` mode. */
  public readonly usagePlan?: ApiGatewayUsagePlan;
  /**
   * The stage's execution ARN followed by `/<method>/<path>` wildcards: the resource of an IAM policy
   * allowing `execute-api:Invoke` on every method of the stage (`iam` mode).
   */
  public readonly invokeResourceArn: string;

  private readonly props: OrdersApiProps;
  private readonly auth: ApiAuth;
  /** Every resource that shapes what a deployment serves: any change to one of them must redeploy. */
  private readonly redeployOn: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: OrdersApiProps) {
    super(scope, id);
    this.props = props;
    this.auth = props.settings.auth;

    this.restApi = new ApiGatewayRestApi(this, "api", {
      name: `${props.namePrefix}-orders`,
      description: "Coffee orders: POST /order writes the details table, GET /{accountid} reads the summary.",
      endpointConfiguration: { types: ["REGIONAL"] },
      // A replacement API exists before the old one goes, so that the stage's successor can be created.
      lifecycle: { createBeforeDestroy: true },
    });

    this.role = serviceRole(
      this,
      "role",
      regionalRoleName(`${props.namePrefix}-api`, props.region),
      "apigateway.amazonaws.com",
    );
    const permissions = grant(this, "dynamodb-access", this.role, [
      { actions: ["dynamodb:PutItem"], resources: [props.detailsTable.arn] },
      { actions: ["dynamodb:GetItem"], resources: [props.summaryTable.arn] },
      ...keyUseStatements(props.kmsKeyArn, ["dynamodb-read", "dynamodb-write"]),
    ]);

    const orderSchema = terraformTemplate("order-request.schema.json");
    const orderModel = new ApiGatewayModel(this, "order-model", {
      restApiId: this.restApi.id,
      name: "OrderRequest",
      contentType: JSON_TYPE,
      schema: orderSchema,
    });
    this.redeployOn.push(orderModel);

    const bodyValidator = new ApiGatewayRequestValidator(this, "body-validator", {
      restApiId: this.restApi.id,
      name: "validate-body",
      validateRequestBody: true,
      validateRequestParameters: false,
    });
    const parameterValidator = new ApiGatewayRequestValidator(this, "parameter-validator", {
      restApiId: this.restApi.id,
      name: "validate-parameters",
      validateRequestBody: false,
      validateRequestParameters: true,
    });
    this.redeployOn.push(bodyValidator, parameterValidator);

    const orderResource = new ApiGatewayResource(this, "order", {
      restApiId: this.restApi.id,
      parentId: this.restApi.rootResourceId,
      pathPart: "order",
    });
    const accountResource = new ApiGatewayResource(this, "account", {
      restApiId: this.restApi.id,
      parentId: this.restApi.rootResourceId,
      pathPart: ACCOUNT_PATH_PART,
    });
    this.redeployOn.push(orderResource, accountResource);

    this.route("post-order", {
      httpMethod: "POST",
      resource: orderResource,
      action: "PutItem",
      requestTemplate: "order-request.vtl",
      successTemplate: "order-response.vtl",
      overrideStatusCodes: ["409", "429"],
      requestModels: { [JSON_TYPE]: orderModel.name },
      validator: bodyValidator,
    });
    this.route("get-summary", {
      httpMethod: "GET",
      resource: accountResource,
      action: "GetItem",
      requestTemplate: "summary-request.vtl",
      successTemplate: "summary-response.vtl",
      overrideStatusCodes: ["404", "429"],
      requestParameters: { [`method.request.path.${ACCOUNT_PATH_PARAMETER}`]: true },
      validator: parameterValidator,
    });

    // Every error API Gateway itself answers (403, 404, 429, 5xx...) in the shape of the others.
    this.gatewayResponse("default-4xx", "DEFAULT_4XX", undefined, "gateway-error.tpl");
    this.gatewayResponse("default-5xx", "DEFAULT_5XX", undefined, "gateway-error.tpl");
    this.gatewayResponse("bad-request-body", "BAD_REQUEST_BODY", "400", "bad-request-body.json");
    this.gatewayResponse(
      "unsupported-media-type",
      "UNSUPPORTED_MEDIA_TYPE",
      "415",
      "unsupported-media-type.json",
    );

    this.accessLogGroup = new CloudwatchLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${props.namePrefix}-orders`,
      retentionInDays: props.logRetentionDays,
    });

    // create_before_destroy reaches everything a deployment depends on; the tables must stay out of it
    // (a replaced table cannot coexist with its successor under the same name), so the deployment depends
    // on the API's own resources only, and the stage, which is never replaced first, on the permissions.
    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.restApi.id,
      // Set at synthesis by redeployOnChange, once every override is in place.
      triggers: {},
      lifecycle: { createBeforeDestroy: true },
      dependsOn: this.redeployOn,
    });
    Aspects.of(this).add(redeployOnChange(deployment, this.redeployOn));

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.restApi.id,
      deploymentId: deployment.id,
      stageName: props.settings.stageName,
      xrayTracingEnabled: true,
      variables: {
        detailsTableName: props.detailsTable.name,
        summaryTableName: props.summaryTable.name,
      },
      accessLogSettings: props.settings.accessLogs
        ? { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT }
        : undefined,
      dependsOn: [permissions],
    });

    new ApiGatewayMethodSettings(this, "throttling", {
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: props.settings.throttlingRateLimit,
        throttlingBurstLimit: props.settings.throttlingBurstLimit,
        ...this.observability,
      },
    });

    this.throttleSummaryReads();

    this.invokeUrl = this.stage.invokeUrl;
    this.invokeResourceArn = `${this.stage.executionArn}/*/*`;

    if (props.settings.waf) {
      this.webAcl = new WebAcl(this, "waf", {
        namePrefix: props.namePrefix,
        stage: this.stage,
        requestsPerIpPer5Minutes: props.settings.waf.requestsPerIpPer5Minutes,
        logRetentionDays: props.logRetentionDays,
      });
    }

    if (this.auth.mode === "api_key") {
      const plan = this.auth.usagePlan;
      this.apiKey = new ApiGatewayApiKey(this, "client-key", {
        name: `${props.namePrefix}-client`,
        description: "Client key of the orders API, sent as the x-api-key header.",
        enabled: true,
      });
      this.usagePlan = new ApiGatewayUsagePlan(this, "usage-plan", {
        name: `${props.namePrefix}-clients`,
        description: "Clients of the orders API: throttle and quota per key.",
        apiStages: [{ apiId: this.restApi.id, stage: this.stage.stageName }],
        throttleSettings: { rateLimit: plan.rateLimit, burstLimit: plan.burstLimit },
        quotaSettings: { limit: plan.quotaLimit, period: plan.quotaPeriod },
      });
      new ApiGatewayUsagePlanKey(this, "usage-plan-key", {
        keyId: this.apiKey.id,
        keyType: "API_KEY",
        usagePlanId: this.usagePlan.id,
      });
    }
  }

  /**
   * `GET /{accountid}` throttled to what the summary table can serve: each GetItem is an eventually
   * consistent read of an item under 4 KB, half a read capacity unit
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/provisioned-capacity-mode.html),
   * so RCU x 2 requests per second, with a burst of as many. Callers beyond it get 429 from API Gateway
   * before DynamoDB throttles. Its own resource, apart from the stage-wide method settings.
   */
  private throttleSummaryReads(): void {
    const readCapacity = this.props.summaryTable.readCapacityInput;
    if (readCapacity === undefined) return;
    const readsPerSecond = readCapacity * EVENTUALLY_CONSISTENT_READS_PER_RCU;
    new ApiGatewayMethodSettings(this, "summary-read-throttle", {
      restApiId: this.restApi.id,
      stageName: this.stage.stageName,
      methodPath: methodSettingsPath(`/${ACCOUNT_PATH_PART}`, "GET"),
      // A method's own settings entry does not inherit the stage-wide one: it repeats metrics and logging.
      settings: {
        throttlingRateLimit: readsPerSecond,
        throttlingBurstLimit: Math.max(1, Math.floor(readsPerSecond)),
        ...this.observability,
      },
    });
  }

  /** Metrics, ERROR execution logs (with access logs on) and no data trace: every method settings entry. */
  private get observability() {
    return {
      metricsEnabled: true,
      loggingLevel: this.props.settings.accessLogs ? "ERROR" : "OFF",
      dataTraceEnabled: false,
    };
  }

  /** The methods' `authorization`: SigV4 in `iam` mode; `api_key` and `none` authorize nobody in particular. */
  private get authorization(): "AWS_IAM" | "NONE" {
    return this.auth.mode === "iam" ? "AWS_IAM" : "NONE";
  }

  private route(id: string, route: RouteProps): void {
    const method = new ApiGatewayMethod(this, `${id}-method`, {
      restApiId: this.restApi.id,
      resourceId: route.resource.id,
      httpMethod: route.httpMethod,
      authorization: this.authorization,
      apiKeyRequired: this.auth.mode === "api_key" || undefined,
      requestValidatorId: route.validator.id,
      requestModels: route.requestModels,
      requestParameters: route.requestParameters,
    });

    const requestTemplate = terraformTemplate(route.requestTemplate);
    const integration = new ApiGatewayIntegration(this, `${id}-integration`, {
      restApiId: this.restApi.id,
      resourceId: route.resource.id,
      httpMethod: method.httpMethod,
      type: "AWS",
      integrationHttpMethod: "POST",
      uri: `arn:${this.props.partition}:apigateway:${this.props.region}:dynamodb:action/${route.action}`,
      credentials: this.role.arn,
      passthroughBehavior: "NEVER",
      requestTemplates: { [JSON_TYPE]: requestTemplate },
    });

    const successTemplate = terraformTemplate(route.successTemplate);
    const errorTemplate = terraformTemplate("error-response.vtl");
    const responses = [
      { statusCode: "200", selectionPattern: undefined, template: successTemplate },
      ...ERROR_RESPONSES.map((r) => ({ ...r, template: errorTemplate })),
    ];
    const methodResponseCodes = [...responses.map((r) => r.statusCode), ...route.overrideStatusCodes];
    const methodResponses = methodResponseCodes.map(
      (statusCode) =>
        new ApiGatewayMethodResponse(this, `${id}-${statusCode}`, {
          restApiId: this.restApi.id,
          resourceId: route.resource.id,
          httpMethod: method.httpMethod,
          statusCode,
          responseModels: { [JSON_TYPE]: "Empty" },
        }),
    );
    const integrationResponses = responses.map(
      (r) =>
        new ApiGatewayIntegrationResponse(this, `${id}-integration-${r.statusCode}`, {
          restApiId: this.restApi.id,
          resourceId: route.resource.id,
          httpMethod: method.httpMethod,
          statusCode: r.statusCode,
          selectionPattern: r.selectionPattern,
          responseTemplates: { [JSON_TYPE]: r.template },
          dependsOn: [integration, ...methodResponses],
        }),
    );

    this.redeployOn.push(method, integration, ...methodResponses, ...integrationResponses);
  }

  /** `statusCode` undefined keeps the type's own status (DEFAULT_4XX covers 403, 404, 429...). */
  private gatewayResponse(
    id: string,
    responseType: string,
    statusCode: string | undefined,
    template: string,
  ): void {
    const body = terraformTemplate(template);
    const response = new ApiGatewayGatewayResponse(this, id, {
      restApiId: this.restApi.id,
      responseType,
      statusCode,
      responseTemplates: { [JSON_TYPE]: body },
      responseParameters: { "gatewayresponse.header.Content-Type": "'application/json'" },
    });
    this.redeployOn.push(response);
  }
}
