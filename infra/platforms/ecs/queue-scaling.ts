// A worker that names an SQS queue scales on its backlog per task instead of CPU: the queue's visible messages
// divided by the service's running tasks, held near the worker's messagesPerTask by target tracking with metric
// math (Application Auto Scaling User Guide, "Create a target tracking scaling policy for Application Auto
// Scaling using metric math", example "Amazon SQS queue backlog per task": m1 ApproximateNumberOfMessagesVisible,
// Sum, 1 minute; m2 RunningTaskCount, Average, 1 minute; e1 = m1 / m2, the only query returning data). The
// customized metric's `metrics` shape is @pulumi/aws 7.48.0's
// PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetric (id, label, expression or
// metricStat { metric { namespace, metricName, dimensions }, stat }, returnData).
import * as pulumi from "@pulumi/pulumi";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import type * as inputs from "@pulumi/aws/types/input";
import { serviceScalableTarget } from "./cpu-scaling";

/** RunningTaskCount is a Container Insights metric (namespace ECS/ContainerInsights): the cluster must have it on. */
export const RUNNING_TASKS_NAMESPACE = "ECS/ContainerInsights";

export interface QueueScalingArgs {
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    minCount: number;
    maxCount: number;
    /** The SQS queue's name (the QueueName dimension of AWS/SQS metrics). */
    queueName: string;
    /** The visible messages per running task the count keeps the queue at. */
    messagesPerTask: number;
}

/** The backlog-per-task metric: the three metric data queries of the policy's customized metric. */
export function backlogPerTaskMetrics(a: Pick<QueueScalingArgs, "clusterName" | "serviceName" | "queueName">): inputs.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetric[] {
    return [
        {
            id: "m1",
            label: "visible messages",
            metricStat: { metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: a.queueName }] }, stat: "Sum" },
            returnData: false,
        },
        {
            id: "m2",
            label: "running tasks",
            metricStat: {
                metric: { namespace: RUNNING_TASKS_NAMESPACE, metricName: "RunningTaskCount", dimensions: [{ name: "ClusterName", value: a.clusterName }, { name: "ServiceName", value: a.serviceName }] },
                stat: "Average",
            },
            returnData: false,
        },
        { id: "e1", label: "backlog per task", expression: "m1 / m2", returnData: true },
    ];
}

/**
 * The scalable target `<name>-scaling` (the same logical name as cpuScaling's, so switching a worker between CPU
 * and queue scaling keeps it) and the target-tracking policy `<name>-queue`. Scale out after a minute, in after
 * five, as on CPU.
 */
export function queueScaling(name: string, args: QueueScalingArgs, parent: pulumi.Resource): appautoscaling.Target {
    const target = serviceScalableTarget(name, args, parent);
    new appautoscaling.Policy(
        `${name}-queue`,
        {
            policyType: "TargetTrackingScaling",
            serviceNamespace: target.serviceNamespace,
            scalableDimension: target.scalableDimension,
            resourceId: target.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                customizedMetricSpecification: { metrics: backlogPerTaskMetrics(args) },
                targetValue: args.messagesPerTask,
                scaleOutCooldown: 60,
                scaleInCooldown: 300,
            },
        },
        { parent },
    );
    return target;
}
