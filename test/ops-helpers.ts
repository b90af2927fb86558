// Recorded AWS responses (test/fixtures/ops/) for the ops commands' tests: each JSON body is read
// through the AWS SDK's own deserializer (a client whose HTTP handler answers with the file), so the
// tests get exactly the objects a real response gives (Dates for timestamps, unknown fields dropped).
import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import * as cp from "@aws-sdk/client-codepipeline";
import * as ssm from "@aws-sdk/client-ssm";
import { FIXTURES } from "./helpers";
import type { Io } from "../tools/ops/command";

export const OPS_FIXTURES = path.join(FIXTURES, "ops");
export const NOW = new Date("2026-11-30T12:00:00Z");
export const PIPELINE = "pipeline-pipeline-3f2a1b0";
/** The recorded executions' ids (test/fixtures/ops/README.md). */
export const ID = {
    E0: "00000000-0000-4000-8000-000000000000",
    E1: "00000001-0000-4000-8000-000000000001",
    E2: "00000002-0000-4000-8000-000000000002",
    E3: "00000003-0000-4000-8000-000000000003",
    E4: "00000004-0000-4000-8000-000000000004",
    E5: "00000005-0000-4000-8000-000000000005",
    E6: "00000006-0000-4000-8000-000000000006",
    R1: "00000007-0000-4000-8000-000000000007",
    R2: "00000008-0000-4000-8000-000000000008",
} as const;
export const SHA = (c: string) => c.repeat(40 / c.length);

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "example" };

/** A client of `Client` whose every request is answered with `body` (status 200). */
function answering<T>(Client: new (c: object) => T, body: string, contentType: string): T {
    const requestHandler = {
        handle: async () => ({ response: { statusCode: 200, headers: { "content-type": contentType }, body: Readable.from([Buffer.from(body)]) } }),
    };
    return new Client({ region: "us-east-1", credentials, requestHandler, maxAttempts: 1 });
}

const CODEPIPELINE: Record<string, new (input: never) => object> = {
    "list-pipeline-executions": cp.ListPipelineExecutionsCommand,
    "list-action-executions": cp.ListActionExecutionsCommand,
    "get-pipeline": cp.GetPipelineCommand,
    "get-pipeline-state": cp.GetPipelineStateCommand,
    "list-pipelines": cp.ListPipelinesCommand,
    "list-tags-for-resource": cp.ListTagsForResourceCommand,
    "rollback-stage": cp.RollbackStageCommand,
};

/** The raw JSON of a fixture. */
export function raw(file: string): unknown {
    return JSON.parse(fs.readFileSync(path.join(OPS_FIXTURES, file), "utf8"));
}

function withoutMetadata<T>(o: T): T {
    const { $metadata: _, ...rest } = o as T & { $metadata?: unknown };
    return rest as T;
}

/**
 * A fixture as the SDK hands it over. CodePipeline and SSM (JSON protocols) go through the SDK's
 * deserializer; CloudWatch's DescribeAlarms is XML on the wire, so its fixture holds the response
 * elements with ISO timestamps, made Dates here as its deserializer does.
 */
export async function recorded<T = Record<string, unknown>>(file: string, body = fs.readFileSync(path.join(OPS_FIXTURES, file), "utf8")): Promise<T> {
    const op = file.replace(/\..*$/, "");
    if (CODEPIPELINE[op]) {
        const client = answering(cp.CodePipelineClient, body, "application/x-amz-json-1.1");
        return withoutMetadata(await (client as cp.CodePipelineClient).send(new CODEPIPELINE[op]({} as never) as never)) as T;
    }
    if (op === "get-parameters") {
        const client = answering(ssm.SSMClient, body, "application/x-amz-json-1.1");
        return withoutMetadata(await client.send(new ssm.GetParametersCommand({ Names: ["x"] }))) as T;
    }
    if (op === "describe-alarms") {
        const o = JSON.parse(body) as { MetricAlarms?: Record<string, unknown>[]; CompositeAlarms?: Record<string, unknown>[] };
        for (const a of [...(o.MetricAlarms ?? []), ...(o.CompositeAlarms ?? [])]) {
            for (const k of ["StateUpdatedTimestamp", "StateTransitionedTimestamp", "AlarmConfigurationUpdatedTimestamp"]) if (typeof a[k] === "string") a[k] = new Date(a[k] as string);
        }
        return o as T;
    }
    throw new Error(`no deserializer for fixture ${file}`);
}

/** Every fixture file. */
export function fixtureFiles(): string[] {
    return fs.readdirSync(OPS_FIXTURES).filter((f) => f.endsWith(".json")).sort();
}

export { CloudWatchClient };

/** An Io that records what a command writes; `answers` are what the person types, in order. */
export function testIo(over: Partial<Io> & { answers?: string[] } = {}): Io & { stdout: string[]; stderr: string[]; asked: string[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const asked: string[] = [];
    const answers = [...(over.answers ?? [])];
    return {
        out: (t) => stdout.push(t),
        err: (t) => stderr.push(t),
        dir: FIXTURES,
        env: {},
        now: () => NOW,
        isTTY: false,
        ask: async (q) => {
            asked.push(q);
            return answers.shift() ?? "";
        },
        ...over,
        stdout,
        stderr,
        asked,
    };
}

// --- aws-sdk-client-mock: the clients answer with the recorded history ---

import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";

export interface Mocks {
    codepipeline: AwsClientStub<cp.CodePipelineClient>;
    cloudwatch: AwsClientStub<CloudWatchClient>;
    ssm: AwsClientStub<ssm.SSMClient>;
}

let mocks: Mocks | undefined;
const loaded = new Map<string, unknown>();

/**
 * A recorded response, deserialized once before any client is mocked (mocks answer every client of
 * their class, the deserializing ones too); a fresh copy each time.
 */
export function fixture<T = Record<string, unknown>>(file: string): T {
    const v = loaded.get(file);
    if (v === undefined) throw new Error(`fixture ${file} is not loaded: call mockRecordedAws() first`);
    return structuredClone(v) as T;
}

/** An AWS service error as the SDK throws it (name, fault, metadata, message). */
export function awsError(name: string, message: string, status = 400): Error {
    return new cp.CodePipelineServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status, requestId: "req-1" }, message });
}

/**
 * Puts the real clients back. npm test runs many files in one process (test/shard.ts): every file
 * that mocks calls this in its `after` hook, so no other file meets a mocked client.
 */
export function restoreAws(): void {
    if (!mocks) return;
    mocks.codepipeline.restore();
    mocks.cloudwatch.restore();
    mocks.ssm.restore();
    mocks = undefined;
}

/** Every client mocked with the recorded history (test/fixtures/ops/README.md); a test changes what it needs after. */
export async function mockRecordedAws(): Promise<Mocks> {
    if (!mocks) for (const f of fixtureFiles()) if (!loaded.has(f)) loaded.set(f, await recorded(f));
    const recordedCopy = async (f: string) => fixture(f);
    mocks ??= { codepipeline: mockClient(cp.CodePipelineClient), cloudwatch: mockClient(CloudWatchClient), ssm: mockClient(ssm.SSMClient) };
    const m = mocks;
    m.codepipeline.reset();
    m.cloudwatch.reset();
    m.ssm.reset();
    const pages: Record<string, unknown> = {
        first: await recordedCopy("list-pipeline-executions.page1.json"),
        "page-2": await recordedCopy("list-pipeline-executions.page2.json"),
        "page-3": await recordedCopy("list-pipeline-executions.page3.json"),
        "page-4": await recordedCopy("list-pipeline-executions.page4.json"),
    };
    const succeeded: Record<string, unknown> = {
        Production: await recordedCopy("list-pipeline-executions.succeeded-in-production.json"),
        Staging: await recordedCopy("list-pipeline-executions.succeeded-in-staging.json"),
    };
    const byExecution: Record<string, unknown> = {};
    for (const [k, id] of Object.entries(ID)) {
        if (k === "E0") continue;
        if (k === "E2") {
            byExecution[`${id}/first`] = await recordedCopy("list-action-executions.E2.page1.json");
            byExecution[`${id}/actions-2`] = await recordedCopy("list-action-executions.E2.page2.json");
        } else byExecution[`${id}/first`] = await recordedCopy(`list-action-executions.${k}.json`);
    }
    m.codepipeline.on(cp.ListPipelineExecutionsCommand).callsFake((input: cp.ListPipelineExecutionsInput) => {
        if (input.pipelineName !== PIPELINE) throw awsError("PipelineNotFoundException", `The account with id '123456789012' does not include a pipeline with the name '${input.pipelineName}'`);
        const stage = input.filter?.succeededInStage?.stageName;
        if (stage) return succeeded[stage] ?? { pipelineExecutionSummaries: [] };
        const page = pages[input.nextToken ?? "first"];
        if (!page) throw awsError("InvalidNextTokenException", "The next token was specified in an invalid format.");
        return page;
    });
    m.codepipeline.on(cp.ListActionExecutionsCommand).callsFake((input: cp.ListActionExecutionsInput) => {
        return byExecution[`${input.filter?.pipelineExecutionId}/${input.nextToken ?? "first"}`] ?? { actionExecutionDetails: [] };
    });
    const pipeline = fixture<cp.GetPipelineOutput>("get-pipeline.json");
    m.codepipeline.on(cp.GetPipelineCommand).callsFake((input: cp.GetPipelineInput) => {
        if (input.name === PIPELINE) return pipeline;
        if (input.name === "other-team-pipeline") return { pipeline: { ...pipeline.pipeline, name: input.name, stages: [] }, metadata: { ...pipeline.metadata, pipelineArn: `arn:aws:codepipeline:us-east-1:123456789012:${input.name}` } };
        throw awsError("PipelineNotFoundException", `The account with id '123456789012' does not include a pipeline with the name '${input.name}'`);
    });
    m.codepipeline.on(cp.GetPipelineStateCommand).resolves(await recordedCopy("get-pipeline-state.json"));
    m.codepipeline.on(cp.ListPipelinesCommand).resolves(await recordedCopy("list-pipelines.json"));
    const slipwayTags = await recordedCopy("list-tags-for-resource.slipway.json");
    const otherTags = await recordedCopy("list-tags-for-resource.other.json");
    m.codepipeline.on(cp.ListTagsForResourceCommand).callsFake((input: cp.ListTagsForResourceInput) => (input.resourceArn?.endsWith(`:${PIPELINE}`) ? slipwayTags : otherTags));
    m.codepipeline.on(cp.RollbackStageCommand).resolves(await recordedCopy("rollback-stage.json"));
    m.ssm.on(ssm.GetParametersCommand).resolves(await recordedCopy("get-parameters.json"));
    const alarms: Record<string, unknown> = {
        first: await recordedCopy("describe-alarms.production.page1.json"),
        "alarms-2": await recordedCopy("describe-alarms.production.page2.json"),
    };
    const none = await recordedCopy("describe-alarms.empty.json");
    m.cloudwatch.on(DescribeAlarmsCommand).callsFake((input: { AlarmNamePrefix?: string; NextToken?: string }) =>
        input.AlarmNamePrefix === "slipway/shop/production/" ? alarms[input.NextToken ?? "first"] : none,
    );
    return m;
}
