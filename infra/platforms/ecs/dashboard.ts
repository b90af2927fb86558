import * as pulumi from "@pulumi/pulumi";
import * as cw from "@pulumi/awsx/classic/cloudwatch";
import { renamedFrom } from "../../contract";

export interface ServiceDashboardArgs {
    /** Dashboard name: unique per account and region. */
    name: string;
    region: string;
    /** ECS cluster and service names (AWS/ECS metric dimensions). */
    clusterName: pulumi.Input<string>;
    serviceName: pulumi.Input<string>;
    /** Where the traffic metrics come from: the ALB (`arnSuffix` dimensions) or the HTTP API (`ApiId`). */
    traffic:
        | { kind: "alb"; loadBalancerArnSuffix: pulumi.Input<string>; targetGroupArnSuffix: pulumi.Input<string> }
        | { kind: "api"; apiId: pulumi.Input<string> };
}

/**
 * A CloudWatch dashboard for one environment: traffic, errors, latency, healthy targets (or 4xx on an
 * HTTP API), CPU and memory. Built with awsx's classic CloudWatch widgets, which run in-process and declare a plain
 * `aws:cloudwatch/dashboard:Dashboard`, so the offline plan shows (and tests read) its body.
 */
export class ServiceDashboard extends pulumi.ComponentResource {
    readonly dashboard: cw.Dashboard;

    constructor(name: string, args: ServiceDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ServiceDashboard", name, {}, opts);
        const traffic = args.traffic;
        const metric = (namespace: string, name: string, dimensions: Record<string, pulumi.Input<string>>, statistic?: cw.MetricStatistic, extendedStatistic?: number) =>
            new cw.Metric({ namespace, name, dimensions, statistic, extendedStatistic, period: 60 });
        // The same four traffic widgets from either source (AWS/ApplicationELB or AWS/ApiGateway metrics).
        const trafficWidgets =
            traffic.kind === "alb"
                ? (() => {
                      const lb = { LoadBalancer: traffic.loadBalancerArnSuffix };
                      return [
                          { title: "Requests", metrics: [metric("AWS/ApplicationELB", "RequestCount", lb, "Sum")] },
                          {
                              title: "5xx responses",
                              metrics: [metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, "Sum"), metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, "Sum")],
                          },
                          { title: "Latency p95 (s)", metrics: [metric("AWS/ApplicationELB", "TargetResponseTime", lb, undefined, 95)] },
                          {
                              title: "Healthy targets",
                              metrics: [metric("AWS/ApplicationELB", "HealthyHostCount", { ...lb, TargetGroup: traffic.targetGroupArnSuffix }, "Minimum")],
                          },
                      ];
                  })()
                : (() => {
                      const api = { ApiId: traffic.apiId };
                      return [
                          { title: "Requests", metrics: [metric("AWS/ApiGateway", "Count", api, "Sum")] },
                          { title: "5xx responses", metrics: [metric("AWS/ApiGateway", "5xx", api, "Sum")] },
                          { title: "Latency p95 (ms)", metrics: [metric("AWS/ApiGateway", "IntegrationLatency", api, undefined, 95)] },
                          { title: "4xx responses", metrics: [metric("AWS/ApiGateway", "4xx", api, "Sum")] },
                      ];
                  })();
        const ecsMetric = (metric: string) =>
            new cw.Metric({
                namespace: "AWS/ECS",
                name: metric,
                dimensions: { ClusterName: args.clusterName, ServiceName: args.serviceName },
                statistic: "Average",
                period: 60,
            });
        this.dashboard = new cw.Dashboard(
            `${name}-dashboard`,
            {
                name: args.name,
                region: args.region as cw.DashboardArgs["region"],
                widgets: [
                    new cw.RowWidget(...trafficWidgets.slice(0, 3).map((w) => new cw.LineGraphMetricWidget({ ...w, width: 8 }))),
                    new cw.RowWidget(
                        new cw.LineGraphMetricWidget({ ...trafficWidgets[3], width: 8 }),
                        new cw.LineGraphMetricWidget({ title: "CPU %", metrics: [ecsMetric("CPUUtilization")], width: 8 }),
                        new cw.LineGraphMetricWidget({ title: "Memory %", metrics: [ecsMetric("MemoryUtilization")], width: 8 }),
                    ),
                ],
            },
            { parent: this, aliases: renamedFrom("dashboard") },
        );
        this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
    }
}
