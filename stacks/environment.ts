// An environment stack (staging, production, review-pr-N): network, load balancer, the app on ECS
// Fargate, its secrets, and the facts the pipeline reads. Owns nothing the pipeline or other
// environments need, so `pulumi destroy` of staging or a review stack leaves them untouched.
import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import { AppSecrets } from "../infra/app-secrets";
import { ServiceDashboard } from "../infra/dashboard";
import { awsContext } from "../infra/aws-context";
import { EnvironmentSettings } from "../infra/config";
import { FargateApp } from "../infra/ecs-service";
import { WebLoadBalancer } from "../infra/load-balancer";
import { environmentName, environmentRolePath, healthUrlParameter, imageTagParameter } from "../infra/names";
import { Network } from "../infra/network";
import { BeanstalkEnvironment } from "../infra/beanstalk-environment";

export function environmentStack(s: EnvironmentSettings): Record<string, unknown> {
    const app = s.appName;
    const name = environmentName(app, s.stack);
    const ctx = awsContext(s.region);
    const protect = s.protect;

    const delivery = new pulumi.StackReference("delivery", { name: s.deliveryStack });
    const repositoryUrl = delivery.requireOutput("repositoryUrl") as pulumi.Output<string>;
    const repositoryArn = delivery.requireOutput("repositoryArn") as pulumi.Output<string>;
    // Run the image the pipeline last verified here, so `pulumi up` never rolls an environment back
    // or forward to an unverified build ("latest" until the pipeline's first smoke test passes).
    const imageTag = ssm.getParameterOutput({ name: imageTagParameter(app, s.imageStack) }).value;

    const network = new Network("network", { cidr: s.vpcCidr, azCount: s.azCount });
    if (s.platform === "beanstalk") {
        return beanstalkEnvironmentStack(s, { delivery, repositoryUrl, repositoryArn, imageTag, network });
    }
    const web = new WebLoadBalancer("web", {
        vpcId: network.vpc.id,
        vpcCidr: s.vpcCidr,
        subnetIds: network.publicSubnetIds,
        targetPort: s.containerPort,
        healthPath: s.healthPath,
        certificateArn: s.certificateArn,
        deletionProtection: protect,
    });
    const secrets = new AppSecrets("secrets", {
        namePrefix: `slipway/${app}/${s.stack}/`,
        values: Object.fromEntries(Object.entries(s.appSecrets).map(([k, v]) => [k, pulumi.secret(v.value)])),
        protect,
    });
    const fargate = new FargateApp("app", {
        name,
        image: pulumi.interpolate`${repositoryUrl}:${imageTag}`,
        repositoryArn,
        cpu: s.cpu,
        memory: s.memory,
        containerPort: s.containerPort,
        vpcId: network.vpc.id,
        subnetIds: network.publicSubnetIds,
        loadBalancerSecurityGroupId: web.securityGroup.id,
        targetGroupArn: web.targetGroup.arn,
        dependsOn: [web.listener],
        environment: { ...s.appSettings, PORT: String(s.containerPort) },
        secrets: { arn: secrets.arn, names: secrets.names, versionId: secrets.versionId },
        desiredCount: s.desiredCount,
        minCount: s.minCount,
        maxCount: s.maxCount,
        cpuTargetPercent: s.cpuTargetPercent,
        spot: s.fargateSpot,
        containerInsights: s.tier === "production",
        logRetentionDays: s.logRetentionDays,
        logGroupName: `/slipway/${app}/${s.stack}/app`,
        rolePath: environmentRolePath(app, s.stack),
        protect,
        ctx,
    });

    const dashboard = new ServiceDashboard("dashboard", {
        name,
        region: s.region,
        clusterName: fargate.cluster.name,
        serviceName: fargate.service.name,
        loadBalancerArnSuffix: web.loadBalancer.arnSuffix,
        targetGroupArnSuffix: web.targetGroup.arnSuffix,
    });

    const url = s.certificateArn
        ? pulumi.output(`https://${s.domainName}`)
        : pulumi.interpolate`http://${web.loadBalancer.dnsName}`;
    new ssm.Parameter("health-url", {
        name: healthUrlParameter(app, s.stack),
        type: "String",
        insecureValue: pulumi.interpolate`${url}${s.healthPath}`,
        description: `Health URL of ${name}, requested by the pipeline's smoke test`,
    });

    return {
        url,
        clusterName: fargate.cluster.name,
        serviceName: fargate.service.name,
        logGroup: fargate.logGroup.name,
        dashboardUrl: dashboard.dashboard.url,
        secretArn: secrets.arn,
        platform: s.platform,
        tier: s.tier,
    };
}

/**
 * The Beanstalk branch of an environment stack: the same network, secret and health-URL parameter as
 * on ECS, with an Elastic Beanstalk environment (its own load balancer when load-balanced) in place
 * of the ALB and Fargate service. Outputs keep the ECS names where they apply (url, logGroup, secretArn).
 */
function beanstalkEnvironmentStack(
    s: EnvironmentSettings,
    refs: {
        delivery: pulumi.StackReference;
        repositoryUrl: pulumi.Output<string>;
        repositoryArn: pulumi.Output<string>;
        imageTag: pulumi.Output<string>;
        network: Network;
    },
): Record<string, unknown> {
    const app = s.appName;
    const name = environmentName(app, s.stack);
    const eb = s.beanstalk;
    if (!eb) throw new Error("platform beanstalk without beanstalk settings (config.ts always sets them)");
    const secrets = new AppSecrets("secrets", {
        namePrefix: `slipway/${app}/${s.stack}/`,
        values: Object.fromEntries(Object.entries(s.appSecrets).map(([k, v]) => [k, pulumi.secret(v.value)])),
        protect: s.protect,
    });
    const env = new BeanstalkEnvironment("app", {
        appName: app,
        name,
        // The EB application is per app and lives in the delivery stack.
        applicationName: refs.delivery.requireOutput("beanstalkApplicationName") as pulumi.Output<string>,
        image: pulumi.interpolate`${refs.repositoryUrl}:${refs.imageTag}`,
        repositoryArn: refs.repositoryArn,
        vpcId: refs.network.vpc.id,
        subnetIds: refs.network.publicSubnetIds,
        containerPort: s.containerPort,
        healthPath: s.healthPath,
        environment: s.appSettings,
        secrets: { arn: secrets.arn, names: secrets.names, versionId: secrets.versionId },
        settings: eb,
        certificateArn: s.certificateArn,
        logRetentionDays: s.logRetentionDays,
        rolePath: environmentRolePath(app, s.stack),
        protect: s.protect,
    });
    const url = s.certificateArn && eb.environmentType === "LoadBalanced" ? pulumi.output(`https://${s.domainName}`) : env.url;
    new ssm.Parameter("health-url", {
        name: healthUrlParameter(app, s.stack),
        type: "String",
        insecureValue: pulumi.interpolate`${url}${s.healthPath}`,
        description: `Health URL of ${name}, requested by the pipeline's smoke test`,
    });
    return {
        url,
        logGroup: env.logGroupPrefix,
        secretArn: secrets.arn,
        platform: s.platform,
        tier: s.tier,
        beanstalkEnvironmentName: env.environment.name,
        beanstalkEnvironmentType: eb.environmentType,
        beanstalkSolutionStack: env.solutionStackName,
        beanstalkCname: env.environment.cname,
    };
}
