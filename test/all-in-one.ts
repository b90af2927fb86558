// Every test file in one process (test/shard.ts), as `npm run test:costs` times them.
import { runShard } from "./shard";

runShard(0, 1);
