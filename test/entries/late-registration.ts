// Run by test/mock-engine.test.ts through tools/run.cjs (its own process, as `npm run plan` runs): a
// program that registers a resource after it has returned. The mock engine must fail the process, not
// let the resource land in the next plan; cli() returns 0 only if nothing failed in the 400 ms after.
import * as iam from "@pulumi/aws/iam";
import { runUnderMocks } from "../../tools/plan/mock-engine";

export async function cli(): Promise<number> {
    await runUnderMocks({ project: "p", stack: "s", config: {}, secretKeys: [] }, () => {
        setTimeout(() => new iam.Role("late", { assumeRolePolicy: "{}" }), 100);
        return {};
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    return 0;
}
