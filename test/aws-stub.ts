// A stand-in `aws` CLI for tests that run the pipeline's shell scripts for real (the smoke test, the
// release phase): each call is logged to `<dir>/aws.log`, and calls whose arguments start with a rule's
// `cmd` (and contain its `has`) get the rule's replies in turn, the last one repeating. Anything else
// exits 255 with "stub aws: nothing answers", so a script calling what no test expects fails loudly.
import * as fs from "fs";
import * as path from "path";

export interface Reply {
    out?: string;
    err?: string;
    rc?: number;
    /** A file whose bytes are the reply's stdout (a bundle for `aws s3 cp … -`). */
    file?: string;
}

export interface Rule {
    cmd: string;
    has?: string;
    replies: Reply[];
}

/** A bash double-quoted word for `s`. */
export const dq = (s: string) => `"${s.replace(/[\\"$`]/g, "\\$&")}"`;

/**
 * Writes `<dir>/aws` (replies under `<dir>/replies/`). `before`: bash lines run on every call first,
 * with `$d` the stub's directory (e.g. to keep an argument for the test to read).
 */
export function stubAws(dir: string, rules: Rule[], before: string[] = []): void {
    const replyDir = path.join(dir, "replies");
    fs.mkdirSync(replyDir, { recursive: true });
    const cases = rules.map((r, i) => {
        r.replies.forEach((reply, n) => {
            for (const key of [`${i}.${n + 1}`, ...(n === r.replies.length - 1 ? [`${i}.last`] : [])]) {
                const base = path.join(replyDir, key);
                if (reply.file) fs.copyFileSync(reply.file, `${base}.out`);
                else fs.writeFileSync(`${base}.out`, reply.out ?? "");
                fs.writeFileSync(`${base}.err`, reply.err ?? "");
                fs.writeFileSync(`${base}.rc`, String(reply.rc ?? 0));
            }
        });
        return `  ${dq(r.cmd)}*${r.has ? `${dq(r.has)}*` : ""}) reply ${i} ;;`;
    });
    fs.writeFileSync(
        path.join(dir, "aws"),
        [
            "#!/bin/bash",
            'd="$(cd "$(dirname "$0")" && pwd)"',
            'printf "%s\\n" "$*" >> "$d/aws.log"',
            ...before,
            "reply() {",
            '  n=$(( $(cat "$d/n.$1" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$d/n.$1"',
            '  r="$d/replies/$1.$n"; [ -e "$r.rc" ] || r="$d/replies/$1.last"',
            '  cat "$r.out"; cat "$r.err" >&2; exit "$(cat "$r.rc")"',
            "}",
            'case "$*" in',
            ...cases,
            "esac",
            'echo "stub aws: nothing answers: $*" >&2; exit 255',
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
}

/** The calls the stub in `dir` was made, one line each. */
export function awsCalls(dir: string): string[] {
    const log = path.join(dir, "aws.log");
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
}
