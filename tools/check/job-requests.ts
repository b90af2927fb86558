// What a deploy job asks AWS besides creating, reading, updating and deleting its resources: the
// program's lookups (invokes run on every preview and up), the stage lock deploy.yml and staging-hours.yml
// hold around `pulumi up` (.github/scripts/stage-lock.sh), and staging-hours' evening scale-to-zero
// (two AWS CLI calls on the stack's own scalable target and service). Requests come with the ARNs
// and tag context the real calls carry; deployRequests (iam-requests.ts) covers the resources.
import { Request } from "./iam-sim";
import { ownArns, StackView, tagContext } from "./iam-requests";
import { MOCK_ACCOUNT } from "../plan/mock-engine";
import { imageTagParameter, stageName } from "../../infra/contract";

export interface JobFacts {
    /** Whose last verified image the stack runs (`slipway:imageStack`; review stacks: staging). */
    imageStack: string;
    /** The pipeline whose stage the job locks (pipeline stacks only). */
    pipelineName?: string;
    /** staging-hours.yml scales this stack (ECS staging). */
    stagingHours?: boolean;
}

export function jobRequests(v: StackView, job: JobFacts): Request[] {
    const R = v.region;
    const A = MOCK_ACCOUNT;
    const base = { "aws:RequestedRegion": R };
    const why = (what: string) => `${v.plan.stack} ${what}`;
    const types = new Set(v.plan.resources.map((r) => r.type));
    const out: Request[] = [
        { action: "ssm:GetParameter", resource: `arn:aws:ssm:${R}:${A}:parameter${imageTagParameter(v.app, job.imageStack)}`, context: base, why: why("program lookup: the image tag it runs (getParameter)") },
    ];
    if (types.has("aws:ec2/subnet:Subnet")) out.push({ action: "ec2:DescribeAvailabilityZones", resource: "*", context: base, why: why("program lookup: getAvailabilityZones") });
    if (types.has("aws:elasticbeanstalk/environment:Environment")) {
        out.push({ action: "elasticbeanstalk:ListAvailableSolutionStacks", resource: "*", context: base, why: why("program lookup: getSolutionStack") });
    }
    if (job.pipelineName) {
        const pipeline = `arn:aws:codepipeline:${R}:${A}:${job.pipelineName}`;
        const stage = `${pipeline}/${stageName(v.plan.stack)}`;
        out.push(
            { action: "codepipeline:GetPipelineState", resource: pipeline, context: base, why: why("stage-lock.sh reads the stage's state") },
            { action: "codepipeline:DisableStageTransition", resource: stage, context: base, why: why("stage-lock.sh closes its stage") },
            { action: "codepipeline:EnableStageTransition", resource: stage, context: base, why: why("stage-lock.sh reopens its stage") },
        );
    }
    if (job.stagingHours) {
        const owned = { ...base, ...tagContext(v.tag, true, false) };
        for (const r of v.plan.resources) {
            if (r.type === "aws:appautoscaling/target:Target") {
                const target = ownArns(r, v).find((o) => o.service === "application-autoscaling");
                if (target) out.push({ action: "application-autoscaling:RegisterScalableTarget", resource: target.arn, context: owned, why: why("staging-hours scales the range to 0–0") });
            }
            if (r.type === "aws:ecs/service:Service") {
                for (const o of ownArns(r, v)) out.push({ action: "ecs:UpdateService", resource: o.arn, context: owned, why: why("staging-hours sets the desired count to 0") });
            }
        }
    }
    return out;
}
