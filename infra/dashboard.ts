import * as pulumi from "@pulumi/pulumi";
import * as cw from "@pulumi/awsx/classic/cloudwatch";

export interface ServiceDashboardArgs {
    /** Dashboard name: unique per account and region. */
    name: string;
    region: string;
    /** ECS cluster and service names (AWS/ECS metric dimensions). */
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    /** ALB `arnSuffix` values (AWS/ApplicationELB metric dimensions). */
    loadBalancerArnSuffix: pulumi.Input<string>;
    targetGroupArnSuffix: pulumi.Input<string>;
}

/**
 * A CloudWatch dashboard for one environment: traffic, errors, latency, healthy targets, CPU and
 * memory. Built with awsx's classic CloudWatch widgets, which run in-process and declare a plain
 * `aws:cloudwatch/dashboard:Dashboard`, so the offline plan shows (and tests read) its body.
 */
export class ServiceDashboard extends pulumi.ComponentResource {
    readonly dashboard: cw.Dashboard;

    constructor(name: string, args: ServiceDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ServiceDashboard", name, {}, opts);
        const alb = (metric: string, statistic: cw.MetricStatistic | undefined, extra: Record<string, pulumi.Input<string>> = {}, extendedStatistic?: number) =>
            new cw.Metric({
                namespace: "AWS/ApplicationELB",
                name: metric,
                dimensions: { LoadBalancer: args.loadBalancerArnSuffix, ...extra },
                statistic,
                extendedStatistic,
                period: 60,
            });
        const ecsMetric = (metric: string) =>
            new cw.Metric({
                namespace: "AWS/ECS",
                name: metric,
                dimensions: { ClusterName: args.clusterName, ServiceName: args.serviceName },
                statistic: "Average",
                period: 60,
            });
        this.dashboard = new cw.Dashboard(
            "dashboard",
            {
                name: args.name,
                region: args.region as cw.DashboardArgs["region"],
                widgets: [
                    new cw.RowWidget(
                        new cw.LineGraphMetricWidget({ title: "Requests", metrics: [alb("RequestCount", "Sum")], width: 8 }),
                        new cw.LineGraphMetricWidget({
                            title: "5xx responses",
                            metrics: [alb("HTTPCode_Target_5XX_Count", "Sum"), alb("HTTPCode_ELB_5XX_Count", "Sum")],
                            width: 8,
                        }),
                        new cw.LineGraphMetricWidget({ title: "Latency p95 (s)", metrics: [alb("TargetResponseTime", undefined, {}, 95)], width: 8 }),
                    ),
                    new cw.RowWidget(
                        new cw.LineGraphMetricWidget({
                            title: "Healthy targets",
                            metrics: [alb("HealthyHostCount", "Minimum", { TargetGroup: args.targetGroupArnSuffix })],
                            width: 8,
                        }),
                        new cw.LineGraphMetricWidget({ title: "CPU %", metrics: [ecsMetric("CPUUtilization")], width: 8 }),
                        new cw.LineGraphMetricWidget({ title: "Memory %", metrics: [ecsMetric("MemoryUtilization")], width: 8 }),
                    ),
                ],
            },
            { parent: this },
        );
        this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
    }
}
