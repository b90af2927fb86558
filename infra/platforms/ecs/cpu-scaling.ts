// What every ECS service of an environment scales by (the web service, each worker): its desired count
// between min and max, tracking the service's average CPU.
import * as pulumi from "@pulumi/pulumi";
import * as appautoscaling from "@pulumi/aws/appautoscaling";

export interface CpuScalingArgs {
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    minCount: number;
    maxCount: number;
    /** The average CPU utilization (%) the service's count keeps it at. */
    cpuTargetPercent: number;
}

/**
 * The scalable target `<name>-scaling` and its target-tracking policy `<name>-cpu`, both parented to
 * `parent`. Scale out after a minute, in after five: a new task starts in about half a minute, and
 * scaling in slowly keeps a short dip from stopping tasks the next peak needs.
 */
/**
 * A service's scalable target, `<name>-scaling`: its desired count between minCount and maxCount. CPU and queue
 * scaling (queue-scaling.ts) share the logical name, so switching a worker between them keeps the target.
 */
export function serviceScalableTarget(
    name: string,
    args: { clusterName: pulumi.Input<string>; serviceName: pulumi.Input<string>; minCount: number; maxCount: number },
    parent: pulumi.Resource,
    aliases?: pulumi.Input<pulumi.Alias>[],
): appautoscaling.Target {
    return new appautoscaling.Target(
        `${name}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
            minCapacity: args.minCount,
            maxCapacity: args.maxCount,
        },
        { parent, aliases },
    );
}

export function cpuScaling(
    name: string,
    args: CpuScalingArgs,
    parent: pulumi.Resource,
    aliases?: { target?: pulumi.Input<pulumi.Alias>[]; policy?: pulumi.Input<pulumi.Alias>[] },
): appautoscaling.Target {
    const target = serviceScalableTarget(name, args, parent, aliases?.target);
    new appautoscaling.Policy(
        `${name}-cpu`,
        {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: args.cpuTargetPercent,
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
            },
        },
        { parent, aliases: aliases?.policy },
    );
    return target;
}
