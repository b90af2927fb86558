import * as pulumi from "@pulumi/pulumi";
import * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ec2 from "@pulumi/aws/ec2";
import * as servicediscovery from "@pulumi/aws/servicediscovery";
import { toTasksOnly } from "./load-balancer";
import { renamedFrom } from "../../contract";
import { HEALTH } from "../../shared/health";

export interface HttpApiIngressArgs {
    /** Environment name (`<app>-<stack>`): names the service-discovery namespace. */
    name: string;
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    subnetIds: pulumi.Input<string>[];
    /** Port the tasks listen on. */
    targetPort: number;
    /** ACM certificate (regional) and the name it covers: serves the API on that name. */
    certificateArn?: pulumi.Input<string>;
    domainName?: string;
    /** Steady-state requests per second, and burst, the API lets through (protects a small backend). @default 50 / 100 */
    rateLimit?: number;
    burstLimit?: number;
    logRetentionDays: number;
    logGroupName: string;
}

/**
 * Ingress without a load balancer: an API Gateway HTTP API whose default route forwards, through a
 * VPC link, to the tasks registered in a Cloud Map service. An ALB bills $16+/month in hours alone;
 * this bills per request ($1 per million for HTTP APIs, VPC links for HTTP APIs are free) and serves
 * HTTPS on an AWS certificate out of the box. Suits staging and review stacks.
 */
export class HttpApiIngress extends pulumi.ComponentResource {
    readonly api: apigatewayv2.Api;
    /** Tasks register here (ECS service `serviceRegistries`). */
    readonly discoveryService: servicediscovery.Service;
    /** The VPC link's group: the only source the tasks must admit. */
    readonly securityGroup: ec2.SecurityGroup;
    readonly url: pulumi.Output<string>;
    readonly logGroup: cloudwatch.LogGroup;
    /** The custom domain, when a certificate and name are given (its regional endpoint is what DNS points at). */
    readonly domain?: apigatewayv2.DomainName;

    constructor(name: string, args: HttpApiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:HttpApiIngress", name, {}, opts);
        this.securityGroup = new ec2.SecurityGroup(
            `${name}-vpc-link`,
            {
                vpcId: args.vpcId,
                description: "API Gateway VPC link to the app tasks",
                ingress: [],
                egress: [toTasksOnly(args.targetPort, args.vpcCidr)],
            },
            { parent: this, aliases: renamedFrom("vpc-link") },
        );
        const namespace = new servicediscovery.PrivateDnsNamespace(
            `${name}-namespace`,
            { name: `${args.name}.slipway.internal`, vpc: args.vpcId, description: `Tasks of ${args.name}` },
            { parent: this, aliases: renamedFrom("namespace") },
        );
        this.discoveryService = new servicediscovery.Service(
            `${name}-app`,
            {
                name: "app",
                // SRV records carry each task's port, which the API Gateway integration needs.
                dnsConfig: { namespaceId: namespace.id, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "SRV", ttl: 10 }] },
                // ECS reports task health to Cloud Map itself (custom health checks).
                healthCheckCustomConfig: { failureThreshold: HEALTH.cloudMapFailureThreshold },
                // Tasks still registered must not block a teardown.
                forceDestroy: true,
            },
            { parent: this, aliases: renamedFrom("app") },
        );
        const link = new apigatewayv2.VpcLink(`${name}-link`, { name: args.name, subnetIds: args.subnetIds, securityGroupIds: [this.securityGroup.id] }, { parent: this, aliases: renamedFrom("link") });
        this.api = new apigatewayv2.Api(`${name}-api`, { name: args.name, protocolType: "HTTP", description: `Public entry of ${args.name}` }, { parent: this, aliases: renamedFrom("api") });
        const integration = new apigatewayv2.Integration(
            `${name}-tasks`,
            {
                apiId: this.api.id,
                integrationType: "HTTP_PROXY",
                integrationMethod: "ANY",
                connectionType: "VPC_LINK",
                connectionId: link.id,
                integrationUri: this.discoveryService.arn,
                payloadFormatVersion: "1.0",
            },
            { parent: this, aliases: renamedFrom("tasks") },
        );
        const route = new apigatewayv2.Route(`${name}-default`, { apiId: this.api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` }, { parent: this, aliases: renamedFrom("default") });
        this.logGroup = new cloudwatch.LogGroup(`${name}-access-logs`, { name: args.logGroupName, retentionInDays: args.logRetentionDays }, { parent: this, aliases: renamedFrom("access-logs") });
        const stage = new apigatewayv2.Stage(
            `${name}-default`,
            {
                apiId: this.api.id,
                // The $default stage serves at the root, so requests reach the app without a stage prefix.
                name: "$default",
                autoDeploy: true,
                defaultRouteSettings: { throttlingRateLimit: args.rateLimit ?? 50, throttlingBurstLimit: args.burstLimit ?? 100 },
                accessLogSettings: {
                    destinationArn: this.logGroup.arn,
                    format: JSON.stringify({
                        requestId: "$context.requestId",
                        ip: "$context.identity.sourceIp",
                        method: "$context.httpMethod",
                        path: "$context.path",
                        status: "$context.status",
                        latency: "$context.integrationLatency",
                        error: "$context.integrationErrorMessage",
                    }),
                },
            },
            { parent: this, aliases: renamedFrom("default"), dependsOn: [route] },
        );
        if (args.certificateArn && args.domainName) {
            const domain = (this.domain = new apigatewayv2.DomainName(
                `${name}-domain`,
                {
                    domainName: args.domainName,
                    domainNameConfiguration: { certificateArn: args.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
                },
                { parent: this, aliases: renamedFrom("domain") },
            ));
            new apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: this.api.id, domainName: domain.id, stage: stage.id }, { parent: this, aliases: renamedFrom("mapping") });
            this.url = pulumi.output(`https://${args.domainName}`);
        } else {
            this.url = this.api.apiEndpoint;
        }
        this.registerOutputs({ url: this.url, apiId: this.api.id });
    }
}
