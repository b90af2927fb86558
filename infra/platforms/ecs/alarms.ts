// What an ECS environment's release alarms watch, from what its ingress publishes:
// - ALB (AWS/ApplicationELB, "CloudWatch metrics for your Application Load Balancer"): the 5xx rate
//   (HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count over RequestCount), p95 TargetResponseTime
//   (seconds) and UnHealthyHostCount per target group; on the LoadBalancer dimension, so a blue/green
//   deployment's traffic is judged across both target groups. Reported only while requests flow.
// - HTTP API (AWS/ApiGateway, "Monitor CloudWatch metrics for HTTP APIs"): `5xx` over `Count` and p95
//   `Latency` (milliseconds) on the ApiId dimension. An HTTP API has no unhealthy-target metric.
// - Tasks, with Container Insights only (ECS/ContainerInsights RunningTaskCount by ClusterName and
//   ServiceName): AWS/ECS publishes no task or restart count ("Amazon ECS CloudWatch metrics": CPU and
//   memory only), and restart counts exist only for container restart policies, which slipway's tasks
//   do not use: a crashing essential container stops its task, so the running count falls instead.
import * as pulumi from "@pulumi/pulumi";
import type { AlarmSettings } from "../../config/alarm-keys";
import { AlarmSpec, errorRateQueries } from "../../environment/release-alarms";

export type EcsTraffic =
    | {
          kind: "alb";
          loadBalancerArnSuffix: pulumi.Input<string>;
          targetGroupArnSuffixes: pulumi.Input<string>[];
          /** A maintenance page is declared: its fixed 503s (HTTP_Fixed_Response_Count) are not the app's errors. @default false */
          maintenancePage?: boolean;
      }
    | { kind: "api"; apiId: pulumi.Input<string> };

/** The tasks' alarm: Container Insights on, and a floor above zero (a service scaled to zero runs none). */
export interface EcsTaskWatch {
    clusterName: string;
    serviceName: string;
    minCount: number;
}

/** The release alarms of an ECS environment. */
export function ecsAlarmSpecs(traffic: EcsTraffic, a: AlarmSettings, tasks?: EcsTaskWatch): AlarmSpec[] {
    const specs: AlarmSpec[] = [];
    const rate = `5xx responses above ${a.errorRatePercent}% of requests for ${a.minutes} minute(s)`;
    const slow = `p95 response time above ${a.latencyP95Ms} ms for ${a.minutes} minute(s)`;
    if (traffic.kind === "alb") {
        const lb = { LoadBalancer: traffic.loadBalancerArnSuffix };
        const elb = (metricName: string) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions: lb });
        specs.push(
            {
                id: "error-rate",
                description: `${rate} (target and load-balancer 5xx over RequestCount)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.errorRatePercent,
                // The maintenance page is the load balancer's own fixed response, the only one slipway declares:
                // HTTP_Fixed_Response_Count counts it ("CloudWatch metrics for your Application Load Balancer"), and it
                // is likely among HTTPCode_ELB_5XX_Count too; without subtracting it, every release with the page up
                // would breach the rate, and ECS's deployment alarms would roll the release back.
                queries: errorRateQueries([elb("HTTPCode_Target_5XX_Count"), elb("HTTPCode_ELB_5XX_Count")], elb("RequestCount"), traffic.maintenancePage ? elb("HTTP_Fixed_Response_Count") : undefined),
            },
            {
                id: "latency-p95",
                description: `${slow} (TargetResponseTime)`,
                comparisonOperator: "GreaterThanThreshold",
                // TargetResponseTime is in seconds.
                threshold: a.latencyP95Ms / 1000,
                metric: { ...elb("TargetResponseTime"), extendedStatistic: "p95" },
            },
            ...traffic.targetGroupArnSuffixes.map(
                (tg, i): AlarmSpec => ({
                    id: i === 0 ? "unhealthy-targets" : `unhealthy-targets-${i + 1}`,
                    description: `${a.unhealthyTargets} or more unhealthy targets for ${a.minutes} minute(s)`,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    threshold: a.unhealthyTargets,
                    metric: { namespace: "AWS/ApplicationELB", metricName: "UnHealthyHostCount", dimensions: { ...lb, TargetGroup: tg }, statistic: "Maximum" },
                }),
            ),
        );
    } else {
        const api = { ApiId: traffic.apiId };
        const gw = (metricName: string) => ({ namespace: "AWS/ApiGateway", metricName, dimensions: api });
        specs.push(
            {
                id: "error-rate",
                description: `${rate} (the HTTP API's 5xx over Count)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.errorRatePercent,
                queries: errorRateQueries([gw("5xx")], gw("Count")),
            },
            {
                id: "latency-p95",
                description: `${slow} (the HTTP API's Latency)`,
                comparisonOperator: "GreaterThanThreshold",
                threshold: a.latencyP95Ms,
                metric: { ...gw("Latency"), extendedStatistic: "p95" },
            },
        );
    }
    if (tasks && tasks.minCount > 0) {
        specs.push({
            id: "running-tasks",
            description: `fewer than ${tasks.minCount} running task(s) (the autoscaling floor) for ${a.minutes} minute(s): tasks are failing (Container Insights RunningTaskCount)`,
            comparisonOperator: "LessThanThreshold",
            threshold: tasks.minCount,
            metric: {
                namespace: "ECS/ContainerInsights",
                metricName: "RunningTaskCount",
                dimensions: { ClusterName: tasks.clusterName, ServiceName: tasks.serviceName },
                statistic: "Minimum",
            },
            // A new service has no data until its tasks have run a while: silence must not fail its first deployment.
            treatMissingData: "notBreaching",
        });
    }
    return specs;
}
