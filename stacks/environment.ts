// An environment stack (staging, production, review-pr-N): its network, its secrets, the app on its
// platform (slipway:platform, looked up in infra/platforms), and the facts the pipeline reads. Owns
// nothing the pipeline or other environments need, so `pulumi destroy` of staging or a review stack
// leaves them untouched.
import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import { EnvironmentSettings } from "../infra/config/settings";
import { databaseIdentifier, DELIVERY_OUTPUTS, environmentName, healthUrlParameter, imageTagParameter, policyStackOf, secretNamePrefix } from "../infra/contract";
import { AppSecrets } from "../infra/environment/app-secrets";
import { DomainCertificate } from "../infra/environment/domain";
import { Database } from "../infra/environment/database";
import { Network, subnetCidrs } from "../infra/environment/network";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { platformNamed } from "../infra/platforms";
import type { EnvironmentBase } from "../infra/platforms/platform";
import { accountRootArn, awsContext, AwsContext } from "../infra/shared/aws-context";

export async function environmentStack(s: EnvironmentSettings): Promise<Record<string, unknown>> {
    const app = s.appName;
    const name = environmentName(app, s.stack);
    const delivery = new pulumi.StackReference("delivery", { name: s.deliveryStack });
    const repositoryUrl = delivery.requireOutput(DELIVERY_OUTPUTS.repositoryUrl) as pulumi.Output<string>;
    // Run the image the pipeline last verified here, so `pulumi up` never rolls an environment back
    // or forward to an unverified build ("latest" until the pipeline's first smoke test passes).
    const imageTag = ssm.getParameterOutput({ name: imageTagParameter(app, s.imageStack) }).value;
    const network = new Network("network", { cidr: s.vpcCidr, azCount: s.azCount });
    const ctx = await awsContext(s.region);
    const base: EnvironmentBase = {
        name,
        image: pulumi.interpolate`${repositoryUrl}:${imageTag}`,
        network,
        secrets: new AppSecrets("secrets", {
            namePrefix: secretNamePrefix(app, s.stack),
            values: Object.fromEntries(Object.entries(s.appSecrets).map(([k, v]) => [k, pulumi.secret(v.value)])),
            protect: s.protect,
        }),
        delivery,
        policyStack: policyStackOf(s.stack, s.tier),
        ctx,
        https: httpsOf(s),
        database: databaseOf(s, network, ctx),
    };
    const front = platformNamed(s.platform).environment(s, base);
    new ssm.Parameter("health-url", {
        name: healthUrlParameter(app, s.stack),
        type: "String",
        insecureValue: pulumi.interpolate`${front.url}${s.healthPath}`,
        description: `Health URL of ${name}, requested by the pipeline's smoke test`,
    });
    const database = base.database ? { databaseEndpoint: base.database.host, databaseSecretArn: base.database.masterSecretArn } : {};
    return { url: front.url, ...front.outputs, ...database, secretArn: base.secrets.arn, platform: s.platform, tier: s.tier };
}

/** The stack's certificate and name: its own (managed domain, issued in its zone) or the configured ARN; none for plain HTTP. */
function httpsOf(s: EnvironmentSettings): EnvironmentBase["https"] {
    const managed = s.managedDomain;
    if (managed) {
        const certificate = new DomainCertificate("domain", { zoneId: managed.zoneId, domainName: managed.name });
        return { certificateArn: certificate.certificateArn, domainName: managed.name, zoneId: managed.zoneId };
    }
    return s.certificateArn && s.domainName ? { certificateArn: s.certificateArn, domainName: s.domainName } : undefined;
}

/**
 * The stack's own database (slipway:database): isolated subnets in the VPC's last quarter, which the
 * public subnets (one quarter per zone, at most three zones) never use.
 */
function databaseOf(s: EnvironmentSettings, network: Network, ctx: AwsContext): Database | undefined {
    const d = s.database;
    if (!d) return undefined;
    const zones = getAvailabilityZonesOutput({ state: "available" });
    const spare = subnetCidrs(s.vpcCidr, 4)[3];
    const clients = platformNamed(s.platform).databaseClients;
    return new Database("database", {
        identifier: databaseIdentifier(s.appName, s.stack),
        ...(d.kind === "instance" ? { kind: d.kind, instanceClass: d.instanceClass, allocatedStorage: d.allocatedStorage, multiAz: d.multiAz } : {}),
        engineVersion: d.engineVersion,
        databaseName: d.name,
        username: d.username,
        minCapacity: d.minCapacity,
        maxCapacity: d.maxCapacity,
        secondsUntilAutoPause: d.secondsUntilAutoPause,
        backupRetentionDays: d.backupRetentionDays,
        iamAuthentication: d.iamAuthentication,
        vpcId: network.vpc.id,
        subnets: subnetCidrs(spare, s.azCount).map((cidr, i) => ({ cidr, availabilityZone: zones.names[i] })),
        secretNamePrefix: secretNamePrefix(s.appName, s.stack),
        accountRootArn: accountRootArn(ctx),
        protect: s.protect,
        logRetentionDays: s.logRetentionDays,
        rotationDays: d.rotationDays,
        ...(d.restoreFrom ? { restoreFrom: { clusterIdentifier: d.restoreFrom.clusterIdentifier } } : {}),
        ...(clients ? { clients } : {}),
    });
}
