// The recorded responses the ops commands are tested against are what AWS would send: every field is
// one the API has, with the type it has (the SDK's deserializer keeps each of them unchanged), and the
// recorded pipeline is the one slipway declares for the fixture delivery stack.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { fixtureFiles, raw, recorded } from "./ops-helpers";
import { planStack } from "./helpers";

/** Dates back to the wire form of the file: epoch seconds (JSON protocols) or ISO text (CloudWatch). */
function wire(v: unknown, iso: boolean): unknown {
    if (v instanceof Date) return iso ? v.toISOString() : v.getTime() / 1000;
    if (Array.isArray(v)) return v.map((x) => wire(x, iso));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wire(x, iso)]));
    return v;
}

for (const file of fixtureFiles()) {
    test(`${file} is a response the API documents (the SDK deserializes every field of it unchanged)`, async () => {
        const got = wire(await recorded(file), file.startsWith("describe-alarms"));
        assert.deepEqual(got, raw(file));
    });
}

test("the deep-equality above catches a field the API does not have", async () => {
    // The SDK drops what its model does not know: a misspelt field vanishes from the deserialized form.
    const body = { ...(raw("rollback-stage.json") as Record<string, unknown>), pipelineExecutionID: "x" };
    assert.notDeepEqual(wire(await recorded("rollback-stage.json", JSON.stringify(body)), false), body);
    // …and a value of the wrong type does not come through unchanged.
    const badTime = raw("list-pipelines.json") as { pipelines: Record<string, unknown>[] };
    badTime.pipelines[0].created = "yesterday";
    await assert.rejects(async () => assert.deepEqual(wire(await recorded("list-pipelines.json", JSON.stringify(badTime)), false), badTime));
});

test("the recorded pipeline has the stages and actions slipway declares for the fixture delivery stack", async () => {
    const plan = await planStack("delivery");
    const pipeline = plan.resources.find((r) => r.type === "aws:codepipeline/pipeline:Pipeline");
    assert.ok(pipeline);
    const planned = (pipeline.inputs.stages as { name: string; actions: { name: string }[] }[]).map((s) => ({ name: s.name, actions: s.actions.map((a) => a.name) }));
    const declared = (raw("get-pipeline.json") as { pipeline: { stages: { name: string; actions: { name: string }[] }[] } }).pipeline.stages.map((s) => ({
        name: s.name,
        actions: s.actions.map((a) => a.name),
    }));
    assert.deepEqual(declared, planned);
});
