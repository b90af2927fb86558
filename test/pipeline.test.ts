import { test } from "node:test";
import * as assert from "node:assert/strict";
import { one, planStack } from "./helpers";

interface Stage {
    name: string;
    onFailure?: { result: string };
    actions: { name: string; category: string; provider: string; runOrder?: number; configuration: Record<string, string> }[];
}

test("the pipeline runs source, build, staging, approval and production in that order", async () => {
    const plan = await planStack("delivery");
    const pipeline = one(plan, "aws:codepipeline/pipeline:Pipeline");
    const stages = pipeline.inputs.stages as Stage[];
    assert.deepEqual(
        stages.map((s) => s.name),
        ["Source", "Build", "Staging", "Approve-Production", "Production"],
    );
    assert.equal(pipeline.inputs.pipelineType, "V2");
});
