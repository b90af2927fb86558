// An environment's release alarms: CloudWatch metric alarms that notify the pipeline's SNS topic and
// that ECS watches during a deployment (its service's deployment `alarms` with rollback). What each
// platform alarms on is its own (infra/platforms/*/alarms.ts); this component declares them.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as inputs from "@pulumi/aws/types/input";

/** One alarm: a single metric, or metric math over several (`queries`, one of them returning data). */
export interface AlarmSpec {
    /** Short id: the alarm is named `<prefix><id>` and its resource `<component>-<id>`. */
    id: string;
    description: string;
    comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
    threshold: number;
    /** A single metric (with `statistic` or `extendedStatistic`). */
    metric?: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>>; statistic?: string; extendedStatistic?: string };
    /** Metric math (MetricAlarmMetricQuery); exactly one query returns data. */
    queries?: inputs.cloudwatch.MetricAlarmMetricQuery[];
    /** Missing data means no requests (ALB and API Gateway report nothing then): not a failure. @default "notBreaching" */
    treatMissingData?: "notBreaching" | "breaching" | "ignore" | "missing";
}

export interface ReleaseAlarmsArgs {
    /** Alarm name prefix (contract.ts alarmNamePrefix): deploy roles may manage only alarms under it. */
    namePrefix: string;
    specs: AlarmSpec[];
    /** The pipeline's SNS topic (delivery stack output): told when an alarm fires and when it clears. */
    topicArn: pulumi.Input<string>;
    /** Consecutive one-minute periods over the threshold before an alarm fires. */
    minutes: number;
}

/** CloudWatch alarm metric periods: one minute, the finest standard resolution ALB and API Gateway publish. */
export const ALARM_PERIOD_SECONDS = 60;

/** The alarms, each notifying the topic on ALARM and on OK. */
export class ReleaseAlarms extends pulumi.ComponentResource {
    readonly alarms: cloudwatch.MetricAlarm[];
    /** The alarms' names, for the ECS service's deployment alarms. */
    readonly alarmNames: string[];

    constructor(name: string, args: ReleaseAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("slipway:environment:ReleaseAlarms", name, {}, opts);
        this.alarmNames = args.specs.map((s) => `${args.namePrefix}${s.id}`);
        this.alarms = args.specs.map(
            (s, i) =>
                new cloudwatch.MetricAlarm(
                    `${name}-${s.id}`,
                    {
                        name: this.alarmNames[i],
                        alarmDescription: s.description,
                        comparisonOperator: s.comparisonOperator,
                        threshold: s.threshold,
                        evaluationPeriods: args.minutes,
                        datapointsToAlarm: args.minutes,
                        treatMissingData: s.treatMissingData ?? "notBreaching",
                        ...(s.metric
                            ? {
                                  namespace: s.metric.namespace,
                                  metricName: s.metric.metricName,
                                  dimensions: s.metric.dimensions,
                                  period: ALARM_PERIOD_SECONDS,
                                  statistic: s.metric.statistic,
                                  extendedStatistic: s.metric.extendedStatistic,
                              }
                            : { metricQueries: s.queries }),
                        alarmActions: [args.topicArn],
                        okActions: [args.topicArn],
                    },
                    { parent: this },
                ),
        );
        this.registerOutputs({ alarmNames: this.alarmNames });
    }
}

/** `100 * sum(errors) / requests` over one-minute sums: the error rate in percent (missing errors count as 0). */
export function errorRateQueries(
    errors: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> }[],
    requests: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> },
    /** Responses counted among the errors that are not the app's (the maintenance page's fixed 503s): subtracted. */
    excluded?: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> },
): inputs.cloudwatch.MetricAlarmMetricQuery[] {
    const sum = (m: { namespace: string; metricName: string; dimensions: Record<string, pulumi.Input<string>> }, id: string): inputs.cloudwatch.MetricAlarmMetricQuery => ({
        id,
        returnData: false,
        metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, period: ALARM_PERIOD_SECONDS, stat: "Sum" },
    });
    const errorIds = errors.map((_, i) => `e${i + 1}`);
    return [
        ...errors.map((m, i) => sum(m, errorIds[i])),
        sum(requests, "requests"),
        ...(excluded ? [sum(excluded, "fixed")] : []),
        {
            id: "rate",
            label: "5xx responses, % of requests",
            returnData: true,
            // Below zero (the excluded responses not among the errors after all) is simply not breaching.
            expression: `100 * (${errorIds.map((id) => `FILL(${id}, 0)`).join(" + ")}${excluded ? " - FILL(fixed, 0)" : ""}) / requests`,
        },
    ];
}
