// An S3 state backend's URL (`s3://bucket[/prefix]`), read without the Pulumi SDK: the workflows' helper
// (.github/scripts/ci.ts, run by `npx tsx` in every pull-request job) needs it, and loading @pulumi/pulumi
// cost that process most of its two seconds. ./state-backend.ts builds the roles' statements on it.

/** The bucket and key prefix of an `s3://` backend URL, or undefined for any other backend. */
export function s3Backend(backendUrl: string | undefined): { bucket: string; root: string } | undefined {
    const match = backendUrl ? /^s3:\/\/([^/?]+)\/?([^?]*)/.exec(backendUrl) : null;
    if (!match) return undefined;
    const prefix = match[2].replace(/\/+$/, "");
    return { bucket: match[1], root: prefix ? `${prefix}/.pulumi` : ".pulumi" };
}
