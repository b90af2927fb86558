// The requests a role's `pulumi` runs make to an S3 state backend (Pulumi's DIY layout, infra/delivery/
// state-backend.ts), and the ones against other stacks' state that containment must deny. Object keys
// follow pulumi/pulumi pkg/backend/diy: an update lists and reads the stack's checkpoint and tags, takes
// the lock (`locks/organization/<project>/<stack>/<id>.json`), writes the checkpoint (copying the old one
// to `.bak`), a history entry and a backup, then deletes the lock. A StackReference reads the referenced
// stack's checkpoint; `pulumi config cp --stack review` finds the review template's.
import { Request } from "./iam-sim";
import { s3Backend } from "../../infra/delivery/state-backend";

/** One role's runs against the backend: which stack, which command kinds, which stacks it reads. */
export interface StateJob {
    backendUrl: string;
    project: string;
    /** The stack the job runs (`review-pr-7`, `staging`). */
    stack: string;
    /** `up`: up, refresh, destroy, stack init and rm. `preview`: preview only (no lock, no writes). */
    kind: "up" | "preview";
    /** Stacks whose checkpoint the job reads: the delivery stack (StackReference), the review template. */
    reads: string[];
}

/** The ARN of a backend object, `<kind>` being `stacks`, `history`, `backups`, `locks`, `journal` or `meta.yaml`. */
export function stateObjectArn(backendUrl: string, key: string): string {
    const b = s3Backend(backendUrl);
    if (!b) throw new Error(`${backendUrl} is not an s3:// backend`);
    return `arn:aws:s3:::${b.bucket}/${b.root}/${key}`;
}

const LOCK_ID = "4f3c2a1b-0000-4000-8000-000000000000";
const TS = "1767225600000000000";

/** Every backend request of the job, each with why it is made. */
export function stateRequests(j: StateJob): Request[] {
    const b = s3Backend(j.backendUrl);
    if (!b) return [];
    const obj = (key: string) => stateObjectArn(j.backendUrl, key);
    const bucket = `arn:aws:s3:::${b.bucket}`;
    const p = j.project;
    const s = j.stack;
    const why = (what: string) => `${s} ${j.kind}: ${what}`;
    const out: Request[] = [
        { action: "s3:GetBucketLocation", resource: bucket, context: {}, why: why("pulumi login finds the bucket's region") },
        { action: "s3:GetObject", resource: obj("meta.yaml"), context: {}, why: why("pulumi login reads the backend's format version") },
        { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": `${b.root}/stacks/${p}/${s}` }, why: why("finds the checkpoint's compression variant") },
        { action: "s3:GetObject", resource: obj(`stacks/${p}/${s}.json`), context: {}, why: why("reads its checkpoint") },
        { action: "s3:GetObject", resource: obj(`stacks/${p}/${s}.pulumi-tags`), context: {}, why: why("reads its stack tags") },
    ];
    for (const ref of j.reads) {
        out.push(
            { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": `${b.root}/stacks/${p}/${ref}` }, why: why(`finds ${ref}'s checkpoint`) },
            { action: "s3:GetObject", resource: obj(`stacks/${p}/${ref}.json`), context: {}, why: why(`reads ${ref}'s checkpoint (StackReference / config cp)`) },
        );
    }
    if (j.kind === "up") {
        const lock = obj(`locks/organization/${p}/${s}/${LOCK_ID}.json`);
        out.push(
            { action: "s3:ListBucket", resource: bucket, context: { "s3:prefix": `${b.root}/locks/organization/${p}/${s}` }, why: why("checks for another lock") },
            { action: "s3:PutObject", resource: lock, context: {}, why: why("takes the lock") },
            { action: "s3:GetObject", resource: lock, context: {}, why: why("reads a lock it finds") },
            { action: "s3:DeleteObject", resource: lock, context: {}, why: why("releases the lock") },
            { action: "s3:PutObject", resource: obj(`stacks/${p}/${s}.json`), context: {}, why: why("writes its checkpoint") },
            { action: "s3:PutObject", resource: obj(`stacks/${p}/${s}.json.bak`), context: {}, why: why("copies the old checkpoint to .bak") },
            { action: "s3:PutObject", resource: obj(`stacks/${p}/${s}.pulumi-tags`), context: {}, why: why("writes its stack tags (stack init)") },
            { action: "s3:PutObject", resource: obj(`history/${p}/${s}/${s}-${TS}.history.json`), context: {}, why: why("records the update in its history") },
            { action: "s3:PutObject", resource: obj(`history/${p}/${s}/${s}-${TS}.checkpoint.json`), context: {}, why: why("keeps the update's checkpoint in its history") },
            { action: "s3:GetObject", resource: obj(`history/${p}/${s}/${s}-${TS}.history.json`), context: {}, why: why("reads its history (last configuration)") },
            { action: "s3:PutObject", resource: obj(`backups/${p}/${s}/${s}.${TS}.json`), context: {}, why: why("backs up the checkpoint") },
            { action: "s3:DeleteObject", resource: obj(`stacks/${p}/${s}.json`), context: {}, why: why("pulumi stack rm") },
            { action: "s3:DeleteObject", resource: obj(`history/${p}/${s}/${s}-${TS}.history.json`), context: {}, why: why("pulumi stack rm removes its history") },
            { action: "s3:DeleteObject", resource: obj(`backups/${p}/${s}/${s}.${TS}.json`), context: {}, why: why("pulumi stack rm removes its backups") },
        );
    }
    return out;
}

/**
 * Writes to `victim`'s state (checkpoint, backup, tags, history, backups, lock: a forged lock blocks its
 * deploys), and, unless `mayRead`, reads of it. Containment must deny each one.
 */
export function stateAttacks(backendUrl: string, project: string, victim: string, mayRead = false): Request[] {
    if (!s3Backend(backendUrl)) return [];
    const obj = (key: string) => stateObjectArn(backendUrl, key);
    const p = project;
    const v = victim;
    const keys = [
        `stacks/${p}/${v}.json`, `stacks/${p}/${v}.json.bak`, `stacks/${p}/${v}.json.gz`, `stacks/${p}/${v}.pulumi-tags`,
        `history/${p}/${v}/${v}-${TS}.history.json`, `backups/${p}/${v}/${v}.${TS}.json`, `journal/${p}/${v}/manifest.json`,
        `locks/organization/${p}/${v}/${LOCK_ID}.json`,
    ];
    const why = `${v}'s state`;
    const out: Request[] = keys.flatMap((k) => ["s3:PutObject", "s3:DeleteObject"].map((action) => ({ action, resource: obj(k), context: {}, why })));
    if (!mayRead) out.push(...keys.slice(0, 5).map((k) => ({ action: "s3:GetObject", resource: obj(k), context: {}, why })));
    return out;
}
