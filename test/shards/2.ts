// Shard 2 of the suite (test/shard.ts).
import { runShard } from "../shard";

runShard(1);
