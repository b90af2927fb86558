// A stand-in `aws` CLI for tests that run the pipeline's shell scripts for real (the smoke test, the
// release phase): each call is logged to `<dir>/aws.log`, and calls whose arguments start with a rule's
// `cmd` (and contain its `has`) get the rule's replies in turn, the last one repeating. Anything else
// exits 255 with "stub aws: nothing answers", so a script calling what no test expects fails loudly.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
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

/** Bash that counts a stub's calls in `file` (a bash word, e.g. `"$d/n.$1"`) and leaves this call's number in `$n`, with builtins only. */
export const countCall = (file: string) => `n=0; [ -e ${file} ] && read -r n < ${file}; n=$((n + 1)); echo "$n" > ${file}`;

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
            // Builtins only, but for cat of a non-empty reply: the scripts call the stub hundreds of times a run.
            `d=${dq(path.resolve(dir))}`,
            'printf "%s\\n" "$*" >> "$d/aws.log"',
            ...before,
            "reply() {",
            `  ${countCall('"$d/n.$1"')}`,
            '  r="$d/replies/$1.$n"; [ -e "$r.rc" ] || r="$d/replies/$1.last"',
            '  [ -s "$r.out" ] && cat "$r.out"; [ -s "$r.err" ] && cat "$r.err" >&2; read -r rc < "$r.rc"; exit "$rc"',
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

/** Writes `<dir>/sleep`, which only logs its argument to `<dir>/sleep.log`: a script's waits take no time. */
export function stubSleep(dir: string): void {
    fs.writeFileSync(path.join(dir, "sleep"), `#!/bin/bash\necho "$*" >> ${dq(path.join(path.resolve(dir), "sleep.log"))}\n`, { mode: 0o755 });
}

/** The calls the stub in `dir` was made, one line each. */
export function awsCalls(dir: string): string[] {
    const log = path.join(dir, "aws.log");
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
}

/** A finished run of a buildspec (runBuildSpec): its exit, output, the stub's calls and the files the stub kept. */
export interface BuildSpecRun {
    status: number | null;
    stdout: string;
    stderr: string;
    aws: string[];
    /** A file the stub's `before` lines wrote in its directory, or undefined. */
    kept: (file: string) => string | undefined;
}

/** python3 on this process's PATH, looked up once (a shell per script run cost more than some scripts). */
let python3Path: string | undefined;
function python3(): string {
    python3Path ??= spawnSync("/bin/sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim();
    if (!python3Path) throw new Error("python3 is needed to run the script (CodeBuild's Amazon Linux 2023 image has it)");
    return python3Path;
}

/**
 * Runs a buildspec's build commands as CodeBuild would (bash, `env.shell`), hermetically: a stand-in
 * `aws` (stubAws: `rules`, `before`), `sleep` that only logs, and python3 first on the PATH, no inherited
 * environment beyond `env`, in a work directory holding `image-tag.txt`. `stubs`: more stand-in commands
 * (name → bash script, written beside `aws`; a file they write in their own directory is `kept`).
 */
export function runBuildSpec(spec: unknown, o: { rules: Rule[]; before?: string[]; env: Record<string, string>; imageTag: string; name: string; stubs?: Record<string, string> }): BuildSpecRun {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${o.name}-`));
    try {
        const bin = path.join(dir, "bin");
        const work = path.join(dir, "work");
        fs.mkdirSync(bin);
        fs.mkdirSync(work);
        stubAws(bin, o.rules, o.before);
        stubSleep(bin);
        for (const [command, script] of Object.entries(o.stubs ?? {})) fs.writeFileSync(path.join(bin, command), script, { mode: 0o755 });
        fs.symlinkSync(python3(), path.join(bin, "python3"));
        fs.writeFileSync(path.join(work, "image-tag.txt"), o.imageTag);
        const s = spec as { env: { shell: string }; phases: { build: { commands: string[] } } };
        if (s.env.shell !== "bash") throw new Error(`the buildspec runs in ${s.env.shell}, not bash`);
        const r = spawnSync("/bin/bash", ["--noprofile", "--norc", "-c", s.phases.build.commands.join("\n")], {
            cwd: work,
            env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, ...o.env },
            encoding: "utf8",
            timeout: 60_000,
        });
        const files = new Map<string, string>();
        for (const f of fs.readdirSync(bin)) if (fs.statSync(path.join(bin, f)).isFile()) files.set(f, fs.readFileSync(path.join(bin, f), "utf8"));
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, aws: awsCalls(bin), kept: (f) => files.get(f) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
