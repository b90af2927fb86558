// The scheduled jobs' dead-letter alarm: any message visible in the jobs' dead-letter queue is an invocation
// EventBridge Scheduler gave up on (retries or maximum age spent), so the stack's SNS topic (the delivery stack's
// notifications, the only action an environment's alarm may have: infra/delivery/alarm-access.ts) is told.
import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";

/** SQS publishes AWS/SQS metrics for active queues (SQS Developer Guide, "Available CloudWatch metrics for Amazon SQS"): 5-minute Maximum, one period. */
export const DEAD_LETTER_ALARM_PERIOD_SECONDS = 300;

export interface DeadLetterAlarmArgs {
    /** The alarm's name, under the stack's alarm prefix (contract.ts alarmNamePrefix): the deploy role may write only those. */
    alarmName: string;
    queueName: pulumi.Input<string>;
    /** The delivery stack's SNS topic (DELIVERY_OUTPUTS.notificationTopicArn). */
    topicArn: pulumi.Input<string>;
}

/**
 * ApproximateNumberOfMessagesVisible > 0 over one 5-minute period, Maximum: one failed invocation is enough.
 * An idle queue publishes no data ("All metrics only emit non-negative values when the queue is active"), which is
 * not a failure: missing data is notBreaching. The OK notice says when the queue has been drained.
 */
export function deadLetterAlarm(name: string, args: DeadLetterAlarmArgs, parent: pulumi.Resource): cloudwatch.MetricAlarm {
    return new cloudwatch.MetricAlarm(
        `${name}-dlq-alarm`,
        {
            name: args.alarmName,
            alarmDescription: "A scheduled job's invocation failed after its retries (EventBridge Scheduler sent it to the dead-letter queue): read the message, then the job's log group.",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: args.queueName },
            statistic: "Maximum",
            period: DEAD_LETTER_ALARM_PERIOD_SECONDS,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [args.topicArn],
            okActions: [args.topicArn],
        },
        { parent },
    );
}
