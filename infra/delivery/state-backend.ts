// What a GitHub role may do in an S3 state backend (`s3://bucket[/prefix]`), following Pulumi's DIY
// backend layout (pulumi/pulumi pkg/backend/diy: store.go, lock.go, state.go, stack_tags.go):
//   <root>/.pulumi/meta.yaml                                     the backend's format version (read at login)
//   <root>/.pulumi/stacks/<project>/<stack>.json[.gz|.zst]       the checkpoint; `.bak` beside it on each save
//   <root>/.pulumi/stacks/<project>/<stack>.pulumi-tags          stack tags (read by every update and preview)
//   <root>/.pulumi/history/<project>/<stack>/…                   one entry per update
//   <root>/.pulumi/backups/<project>/<stack>/…                   a copy of the checkpoint per update
//   <root>/.pulumi/journal/<project>/<stack>/…                   incremental journal (opt-in journaling)
//   <root>/.pulumi/locks/organization/<project>/<stack>/<id>.json the update lock (keyed by the stack's
//                                                                fully qualified name, organization/<project>/<stack>)
// Nothing for a Pulumi Cloud backend: it authenticates with its own token.
import { AwsContext } from "../shared/aws-context";
import { Statement } from "../shared/iam";
import { s3Backend } from "./state-backend-url";

/** The review template stack: holds review-pr-N stacks' config (review-stack.yml copies it), never deployed. */
export const REVIEW_TEMPLATE_STACK = "review";

// The backend URL's parts, in a module of their own: CI's helper (.github/scripts/ci.ts) reads them without the Pulumi SDK.
export { s3Backend } from "./state-backend-url";

/** Which stacks' state a role may touch, and how. Stack names may end in `*` (review-pr-*). */
export interface StateAccess {
    /** `s3://bucket[/prefix]`; no statements for any other backend. */
    backendUrl: string | undefined;
    ctx: AwsContext;
    /** Pulumi project name (the layout's `<project>` segment). */
    project: string;
    /** Stacks the role runs: `write` = up, refresh, destroy, stack init/rm; `read` = preview only. */
    own: string[];
    mode: "read" | "write";
    /**
     * Other stacks whose checkpoint the role's runs read and never write: the delivery stack (every
     * environment's StackReference), the review template (`pulumi config cp --stack review`).
     */
    readsCheckpointsOf?: string[];
}

export function stateBackendStatements(a: StateAccess): Statement[] {
    const backend = s3Backend(a.backendUrl);
    if (!backend) return [];
    const { bucket, root } = backend;
    const bucketArn = `arn:${a.ctx.partition}:s3:::${bucket}`;
    const key = (path: string) => `${bucketArn}/${root}/${path}`;
    const perStack = (stacks: string[], f: (s: string) => string) => stacks.map((s) => key(f(s)));
    // `<stack>.json*`: the checkpoint in any compression, and its `.bak`.
    const checkpoints = (stacks: string[]) => perStack(stacks, (s) => `stacks/${a.project}/${s}.json*`);
    const tags = perStack(a.own, (s) => `stacks/${a.project}/${s}.pulumi-tags`);
    const dirs = (dir: string) => perStack(a.own, (s) => `${dir}/${a.project}/${s}/*`);
    const locks = perStack(a.own, (s) => `locks/organization/${a.project}/${s}/*`);
    const statements: Statement[] = [
        {
            // `pulumi login`, the checkpoint's compression lookup and the lock check list the backend's folders.
            Sid: "StateBucketList",
            Action: ["s3:ListBucket"],
            Resource: [bucketArn],
            Condition: { StringLike: { "s3:prefix": [root, `${root}/*`] } },
        },
        { Sid: "StateBucketLocation", Action: ["s3:GetBucketLocation"], Resource: [bucketArn] },
        {
            Sid: "StateRead",
            Action: ["s3:GetObject"],
            Resource: [key("meta.yaml"), ...checkpoints(a.own), ...tags, ...dirs("history")],
        },
    ];
    if (a.readsCheckpointsOf?.length) {
        statements.push({ Sid: "StateReadReferenced", Action: ["s3:GetObject"], Resource: checkpoints(a.readsCheckpointsOf) });
    }
    if (a.mode === "write") {
        statements.push(
            // A preview takes no lock (diy backend: only update, refresh, destroy, import, stack init/rm do).
            { Sid: "StateLock", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: locks },
            {
                Sid: "StateWrite",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                Resource: [...checkpoints(a.own), ...tags, ...dirs("history"), ...dirs("backups"), ...dirs("journal")],
            },
        );
    }
    return statements;
}
