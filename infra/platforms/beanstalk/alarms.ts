// What a Beanstalk environment's release alarm watches: enhanced health's EnvironmentHealth
// (AWS/ElasticBeanstalk, dimension EnvironmentName; published free once enhanced health is on, which
// slipway always sets: "Publishing Amazon CloudWatch custom metrics for an environment", EB Developer
// Guide; values 0 OK, 1 Info, 5 Unknown, 10 No data, 15 Warning, 20 Degraded, 25 Severe).
// Beanstalk has no alarm-driven rollback: nothing of EB watches a CloudWatch alarm during a deployment.
// What rolls a bad version back there is the deployment policy (Immutable and TrafficSplitting
// terminate the new instances when they fail health checks, leaving the old ones serving) and the
// pipeline's stage rollback after a failed smoke test; this alarm tells the team.
import type { AlarmSettings } from "../../config/alarm-keys";
import type { AlarmSpec } from "../../environment/release-alarms";

/** EnvironmentHealth's value for Degraded (20) and Severe (25). */
export const BEANSTALK_DEGRADED = 20;

export function beanstalkAlarmSpecs(environmentName: string, a: AlarmSettings): AlarmSpec[] {
    return [
        {
            id: "environment-health",
            description: `Elastic Beanstalk enhanced health Degraded or Severe for ${a.minutes} minute(s)`,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: BEANSTALK_DEGRADED,
            metric: { namespace: "AWS/ElasticBeanstalk", metricName: "EnvironmentHealth", dimensions: { EnvironmentName: environmentName }, statistic: "Maximum" },
        },
    ];
}
