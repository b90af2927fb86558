// Rules for releases: production's ECS deployments roll back on CloudWatch alarms, and every alarm tells someone.
import { asArray, get, ofType, Props, resourceRule, SlipwayRule, stackRule } from "./kit";

const SERVICE = "aws:ecs/service:Service";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

export const releaseRules: SlipwayRule[] = [
    stackRule(
        {
            name: "ecs-deployment-alarms-production",
            description: "Production ECS services fail and roll back a deployment when one of their CloudWatch alarms fires (deployment alarms with rollback).",
            sources: ["AWS ECS developer guide, \"How CloudWatch alarms detect Amazon ECS deployment failures\""],
            severity: "high",
            enforcementLevel: "mandatory",
            remediationSteps: "Leave slipway:releaseAlarms true (the default) on the production stack, so its service gets alarms { alarmNames, enable: true, rollback: true }.",
        },
        (resources, ctx, report) => {
            if (ctx.tier !== "production") return;
            for (const s of ofType(resources, SERVICE)) {
                const p = s.props as Props;
                if (get(p, "alarms.enable") !== true || get(p, "alarms.rollback") !== true || asArray(get(p, "alarms.alarmNames")).length === 0) {
                    report("a production deployment that raises errors or latency would not roll back by itself: give the service deployment alarms with enable and rollback true.", s.urn);
                }
            }
        },
    ),
    resourceRule(
        {
            name: "alarm-notifies",
            description: "Every CloudWatch metric alarm has an action: an alarm nobody hears changes nothing.",
            sources: ["Amazon CloudWatch user guide, \"Using Amazon CloudWatch alarms\" (alarm actions)"],
            severity: "medium",
            enforcementLevel: "mandatory",
            remediationSteps: "Set alarmActions (slipway's release alarms notify the pipeline's SNS topic).",
        },
        [ALARM],
        (p, report) => {
            if (asArray(p.alarmActions).length === 0) report("the alarm has no alarmActions: when it fires, nobody is told.");
        },
    ),
];
