// Output names for one shard of a sharded `run` (`--shard I/N`): N processes,
// often on different machines, writing into one shared OUTDIR at the same time
// with no coordination between them.
//
// Every shard names every input of the whole corpus, in input order, the way
// one unsharded `run` into an empty OUTDIR would: NAME, then NAME-2, NAME-3...
// for inputs whose names collide (the same file name in two folders, which
// usually land in different shards). So the names of different shards never
// collide, and they do not depend on which shard ran first or what the others
// have written meanwhile.
//
// Nothing is overwritten silently. A file already at a planned name is replaced
// only when an audit segment in OUTDIR/audit/ records it as the output of the
// same input (a retried shard redoing its own work); any other file there is
// left alone and the input gets NAME-shardI (then -2, -3...), a name family no
// other shard uses.
#pragma once

#include <string>
#include <vector>

#include "pipeline/inputs.h"

namespace redact {

// The stems for `shard_inputs` (ExpandInputs(args, shard)), in order; "" for an
// input with a problem. `args` are the INPUT arguments every shard was given.
std::vector<std::string> ShardStems(const std::vector<std::string>& args,
                                    const std::vector<InputFile>& shard_inputs, const Shard& shard,
                                    const std::string& outdir);

}  // namespace redact
