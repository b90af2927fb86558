// What a deploy role may do with its stacks' release alarms (infra/environment/release-alarms.ts).
// The service authorization reference gives PutMetricAlarm, DeleteAlarms and DescribeAlarms no tag
// condition on the alarm (only PutMetricAlarm's request tags and cloudwatch:AlarmActions), so the alarm
// name pins them to the stack: slipway/<app>/<stack>/… (contract.ts alarmNamePrefix). Tag calls are
// judged by the alarm's stack tag as well.
import type { Statement } from "../shared/iam";
import { arnOf } from "../shared/aws-context";
import { alarmNamePrefix, stackPattern, STACK_TAG } from "../contract";
import { tagConditions, type DeployerScope } from "./deployer-policy";

export function alarmStatements(scope: DeployerScope): Statement[] {
    const { ctx, app } = scope;
    const t = tagConditions(scope);
    const alarms = arnOf(ctx, "cloudwatch", `alarm:${alarmNamePrefix(app, stackPattern(scope.policyStack))}*`);
    // An alarm may notify only the pipeline's topic: no EC2 stop/terminate, Systems Manager or other stacks' actions.
    const onlyTopic: NonNullable<Statement["Condition"]> = scope.topicArn ? { "ForAllValues:StringEquals": { "cloudwatch:AlarmActions": [scope.topicArn] } } : {};
    return [
        {
            Sid: "OwnReleaseAlarms",
            Action: ["cloudwatch:PutMetricAlarm"],
            Resource: [alarms],
            // The provider sends the tags with a create (tag-on-create), not with every update.
            Condition: { StringLikeIfExists: { [`aws:RequestTag/${STACK_TAG}`]: t.value }, ...onlyTopic },
        },
        { Sid: "ReadDeleteOwnReleaseAlarms", Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DeleteAlarms", "cloudwatch:ListTagsForResource"], Resource: [alarms] },
        { Sid: "TagOwnReleaseAlarms", Action: ["cloudwatch:TagResource"], Resource: [alarms], Condition: t.pinnedTagging },
        { Sid: "UntagOwnReleaseAlarms", Action: ["cloudwatch:UntagResource"], Resource: [alarms], Condition: t.untagging },
    ];
}
