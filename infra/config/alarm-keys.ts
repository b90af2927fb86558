// The release alarms' stack config keys (every platform's environment stacks) and their cross-key
// checks. Light on purpose (zod only): infra/config/schema.ts adds these keys to the table.
import { z } from "zod";
import { key } from "./keys";

/** What the release alarms watch and when they fire (infra/environment/release-alarms.ts). */
export interface AlarmSettings {
    /** Declare the alarms (and, on ECS, roll a deployment back when one fires). */
    enabled: boolean;
    /** Server errors as a percentage of requests. */
    errorRatePercent: number;
    /** p95 response time, milliseconds. */
    latencyP95Ms: number;
    /** Unhealthy load-balancer targets (ALB ingress only). */
    unhealthyTargets: number;
    /** Consecutive one-minute periods over a threshold before the alarm fires. */
    minutes: number;
}

export const ALARM_KEYS = [
    key({
        key: "releaseAlarms",
        roles: ["environment"],
        type: "boolean",
        description:
            "Declare the environment's release alarms (server-error rate, p95 latency, unhealthy targets, running tasks; Beanstalk: enhanced health) notifying the pipeline's SNS topic. On ECS, a deployment during which one fires is marked failed and rolled back. Each alarm metric bills $0.10 a month.",
        default: true,
        schema: z.boolean(),
        example: "false",
    }),
    key({
        key: "alarmErrorRatePercent",
        roles: ["environment"],
        type: "integer",
        description: "Release alarm: 5xx responses as a percentage of requests (ECS: target 5xx for an ALB, the API's 5xx for an HTTP API; Beanstalk alarms on its enhanced health instead) above which it fires.",
        default: 5,
        schema: z.number().int().min(1, "must be 1–100").max(100, "must be 1–100"),
        example: "2",
    }),
    key({
        key: "alarmLatencyP95Ms",
        roles: ["environment"],
        type: "integer",
        description: "Release alarm (ECS): p95 response time in milliseconds (ALB TargetResponseTime, HTTP API Latency) above which it fires. API Gateway gives up on an integration after 30 s.",
        default: 2000,
        schema: z.number().int().min(10, "must be 10–30000 (milliseconds)").max(30000, "must be 10–30000 (milliseconds; API Gateway's integration timeout is 30 s)"),
        example: "1000",
    }),
    key({
        key: "alarmUnhealthyTargets",
        roles: ["environment"],
        type: "integer",
        description: "Release alarm (ALB ingress): this many unhealthy targets in the target group fire it. Must not exceed maxCount, or it could never fire.",
        default: 1,
        schema: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100"),
        example: "2",
    }),
    key({
        key: "alarmMinutes",
        roles: ["environment"],
        type: "integer",
        description: "Release alarms fire after this many consecutive one-minute periods over their threshold (ECS derives a deployment's bake time from it).",
        default: 3,
        schema: z.number().int().min(1, "must be 1–60").max(60, "must be 1–60"),
        example: "5",
    }),
] as const;

/**
 * The release alarms' settings from decoded config, with the cross-key checks' problems.
 * `countsUnhealthyTargets`: the platform's release alarms watch a target group behind this ingress (PLATFORM_CONFIG).
 */
export function alarmSettings(
    d: { releaseAlarms: boolean; alarmErrorRatePercent: number; alarmLatencyP95Ms: number; alarmUnhealthyTargets: number; alarmMinutes: number; maxCount: number },
    countsUnhealthyTargets: boolean,
    stack: string,
    problems: string[],
): AlarmSettings {
    if (d.releaseAlarms && countsUnhealthyTargets && d.alarmUnhealthyTargets > d.maxCount) {
        problems.push(
            `slipway:alarmUnhealthyTargets = ${d.alarmUnhealthyTargets} is more than slipway:maxCount = ${d.maxCount}: the target group never holds that many targets, so the alarm could never fire. Fix: pulumi config set slipway:alarmUnhealthyTargets 1 --stack ${stack} (or raise slipway:maxCount)`,
        );
    }
    return {
        enabled: d.releaseAlarms,
        errorRatePercent: d.alarmErrorRatePercent,
        latencyP95Ms: d.alarmLatencyP95Ms,
        unhealthyTargets: d.alarmUnhealthyTargets,
        minutes: d.alarmMinutes,
    };
}
