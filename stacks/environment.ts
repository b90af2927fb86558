// An environment stack (staging, production, review-pr-N): network, load balancer, the app on ECS
// Fargate, its secrets, and the facts the pipeline reads. Owns nothing the pipeline or other
// environments need, so `pulumi destroy` of staging or a review stack leaves them untouched.
import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import { AppSecrets } from "../infra/app-secrets";
import type { ServiceDashboard as Dashboard, ServiceDashboardArgs } from "../infra/dashboard";
import { HttpApiIngress } from "../infra/api-ingress";
import { AwsContext, awsContext } from "../infra/aws-context";
import { EnvironmentSettings } from "../infra/config";
import { FargateApp } from "../infra/ecs-service";
import { WebLoadBalancer } from "../infra/load-balancer";
import { environmentName, environmentRolePath, healthUrlParameter, imageTagParameter, logGroupPrefix, policyStackOf, secretNamePrefix } from "../infra/names";
import { Network } from "../infra/network";
import { boundaryArn, runtimePolicyArn } from "../infra/runtime-policies";
import { BeanstalkEnvironment } from "../infra/beanstalk-environment";

/** What an app front (ECS or Beanstalk) gives the stack: its public base URL and its own outputs. */
interface AppFront {
    url: pulumi.Output<string>;
    outputs: Record<string, unknown>;
}

/** Facts every front needs, resolved once per stack. */
interface Shared {
    name: string;
    image: pulumi.Output<string>;
    network: Network;
    secrets: AppSecrets;
    delivery: pulumi.StackReference;
    ctx: AwsContext;
}

export function environmentStack(s: EnvironmentSettings): Record<string, unknown> {
    const app = s.appName;
    const name = environmentName(app, s.stack);
    const delivery = new pulumi.StackReference("delivery", { name: s.deliveryStack });
    const repositoryUrl = delivery.requireOutput("repositoryUrl") as pulumi.Output<string>;
    // Run the image the pipeline last verified here, so `pulumi up` never rolls an environment back
    // or forward to an unverified build ("latest" until the pipeline's first smoke test passes).
    const imageTag = ssm.getParameterOutput({ name: imageTagParameter(app, s.imageStack) }).value;
    const shared: Shared = {
        name,
        image: pulumi.interpolate`${repositoryUrl}:${imageTag}`,
        network: new Network("network", { cidr: s.vpcCidr, azCount: s.azCount }),
        secrets: new AppSecrets("secrets", {
            namePrefix: secretNamePrefix(app, s.stack),
            values: Object.fromEntries(Object.entries(s.appSecrets).map(([k, v]) => [k, pulumi.secret(v.value)])),
            protect: s.protect,
        }),
        delivery,
        ctx: awsContext(s.region),
    };
    const front = s.platform === "beanstalk" ? beanstalkFront(s, shared) : ecsFront(s, shared);
    new ssm.Parameter("health-url", {
        name: healthUrlParameter(app, s.stack),
        type: "String",
        insecureValue: pulumi.interpolate`${front.url}${s.healthPath}`,
        description: `Health URL of ${name}, requested by the pipeline's smoke test`,
    });
    return { url: front.url, ...front.outputs, secretArn: shared.secrets.arn, platform: s.platform, tier: s.tier };
}

/** The app on ECS Fargate, behind an ALB or an API Gateway HTTP API. */
/** What the Fargate service needs from its ingress, whichever kind it is. */
interface Ingress {
    url: pulumi.Output<string>;
    securityGroupId: pulumi.Output<string>;
    targetGroupArn?: pulumi.Output<string>;
    serviceRegistryArn?: pulumi.Output<string>;
    dependsOn: pulumi.Resource[];
    traffic: ServiceDashboardArgs["traffic"];
    outputs: Record<string, unknown>;
}

/** An ALB (production's default) or an API Gateway HTTP API reaching the tasks through Cloud Map. */
function ecsIngress(s: EnvironmentSettings, shared: Shared): Ingress {
    const { name, network } = shared;
    if (s.ingress === "alb") {
        const web = new WebLoadBalancer("web", {
            vpcId: network.vpc.id,
            vpcCidr: s.vpcCidr,
            subnetIds: network.publicSubnetIds,
            targetPort: s.containerPort,
            healthPath: s.healthPath,
            certificateArn: s.certificateArn,
            deletionProtection: s.protect,
        });
        return {
            url: s.certificateArn ? pulumi.output(`https://${s.domainName}`) : pulumi.interpolate`http://${web.loadBalancer.dnsName}`,
            securityGroupId: web.securityGroup.id,
            targetGroupArn: web.targetGroup.arn,
            dependsOn: [web.listener],
            traffic: { kind: "alb", loadBalancerArnSuffix: web.loadBalancer.arnSuffix, targetGroupArnSuffix: web.targetGroup.arnSuffix },
            outputs: { loadBalancerDnsName: web.loadBalancer.dnsName },
        };
    }
    const api = new HttpApiIngress("web", {
        name,
        vpcId: network.vpc.id,
        vpcCidr: s.vpcCidr,
        subnetIds: network.publicSubnetIds,
        targetPort: s.containerPort,
        certificateArn: s.certificateArn,
        domainName: s.domainName,
        logRetentionDays: s.logRetentionDays,
        logGroupName: `${logGroupPrefix(s.appName, s.stack)}api-access`,
    });
    return {
        url: api.url,
        securityGroupId: api.securityGroup.id,
        serviceRegistryArn: api.discoveryService.arn,
        dependsOn: [],
        traffic: { kind: "api", apiId: api.api.id },
        outputs: { apiEndpoint: api.api.apiEndpoint },
    };
}

/** The app on ECS Fargate, behind an ALB or an API Gateway HTTP API. */
function ecsFront(s: EnvironmentSettings, shared: Shared): AppFront {
    const app = s.appName;
    const { name, network } = shared;
    const ingress = ecsIngress(s, shared);
    const fargate = new FargateApp("app", {
        name,
        image: shared.image,
        executionPolicyArn: runtimePolicyArn(shared.ctx, app, policyStackOf(s.stack, s.tier), "task-execution"),
        permissionsBoundary: boundaryArn(shared.ctx, app, policyStackOf(s.stack, s.tier)),
        cpu: s.cpu,
        memory: s.memory,
        containerPort: s.containerPort,
        vpcId: network.vpc.id,
        subnetIds: network.publicSubnetIds,
        ingressSecurityGroupId: ingress.securityGroupId,
        targetGroupArn: ingress.targetGroupArn,
        serviceRegistryArn: ingress.serviceRegistryArn,
        dependsOn: ingress.dependsOn,
        environment: { ...s.appSettings, PORT: String(s.containerPort) },
        healthCheckCommand: s.containerHealthCheck,
        secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
        desiredCount: s.desiredCount,
        minCount: s.minCount,
        maxCount: s.maxCount,
        cpuTargetPercent: s.cpuTargetPercent,
        spot: s.fargateSpot,
        containerInsights: s.tier === "production",
        logRetentionDays: s.logRetentionDays,
        logGroupName: `${logGroupPrefix(app, s.stack)}app`,
        rolePath: environmentRolePath(app, s.stack),
        protect: s.protect,
        ctx: shared.ctx,
    });
    const outputs: Record<string, unknown> = {
        clusterName: fargate.cluster.name,
        serviceName: fargate.service.name,
        logGroup: fargate.logGroup.name,
        ingress: s.ingress,
        ...ingress.outputs,
    };
    if (s.dashboard) {
        // Loaded only when asked for: awsx's CloudWatch widgets pull in the whole @pulumi/aws index.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { ServiceDashboard } = require("../infra/dashboard") as { ServiceDashboard: typeof Dashboard };
        const dashboard = new ServiceDashboard("dashboard", {
            name,
            region: s.region,
            clusterName: fargate.cluster.name,
            serviceName: fargate.service.name,
            traffic: ingress.traffic,
        });
        outputs.dashboardUrl = dashboard.dashboard.url;
    }
    return { url: ingress.url, outputs };
}

/**
 * The app on Elastic Beanstalk (its own load balancer when load-balanced). Outputs keep the ECS
 * names where they apply (url, logGroup).
 */
function beanstalkFront(s: EnvironmentSettings, shared: Shared): AppFront {
    const app = s.appName;
    const eb = s.beanstalk;
    if (!eb) throw new Error("platform beanstalk without beanstalk settings (config.ts always sets them)");
    const env = new BeanstalkEnvironment("app", {
        appName: app,
        stack: s.stack,
        name: shared.name,
        // The EB application is per app and lives in the delivery stack.
        applicationName: shared.delivery.requireOutput("beanstalkApplicationName") as pulumi.Output<string>,
        image: shared.image,
        instancePolicyArn: runtimePolicyArn(shared.ctx, app, policyStackOf(s.stack, s.tier), "beanstalk-instance"),
        permissionsBoundary: boundaryArn(shared.ctx, app, policyStackOf(s.stack, s.tier)),
        vpcId: shared.network.vpc.id,
        subnetIds: shared.network.publicSubnetIds,
        containerPort: s.containerPort,
        healthPath: s.healthPath,
        environment: s.appSettings,
        secrets: { arn: shared.secrets.arn, names: shared.secrets.names, versionId: shared.secrets.versionId },
        settings: eb,
        certificateArn: s.certificateArn,
        logRetentionDays: s.logRetentionDays,
        rolePath: environmentRolePath(app, s.stack),
        protect: s.protect,
    });
    const url = s.certificateArn && eb.environmentType === "LoadBalanced" ? pulumi.output(`https://${s.domainName}`) : env.url;
    return {
        url,
        outputs: {
            logGroup: env.logGroupPrefix,
            beanstalkEnvironmentName: env.environment.name,
            beanstalkEnvironmentType: eb.environmentType,
            beanstalkSolutionStack: env.solutionStackName,
            beanstalkCname: env.environment.cname,
        },
    };
}
