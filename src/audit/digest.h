// What the audit log says about a matched text instead of the text itself: a
// keyed digest (HMAC-SHA-256, so repeated values correlate within one key but
// cannot be brute-forced without it) and a masked preview.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace redact {

// Lower-case hex HMAC-SHA-256 of `text` under `key` (the key's bytes as given:
// a generated key is used as its 64-character hex text, not decoded).
std::string HmacDigest(std::string_view key, std::string_view text);

// At most the first two characters (code points) of each word, the rest of the
// word as '*': "Operation Kestrel" -> "Op******* Ke*****". Whitespace runs
// (Unicode White_Space, so no-break spaces too) become one space; leading and
// trailing whitespace is dropped. Always valid UTF-8: a kept byte that is not
// UTF-8 is shown as U+FFFD.
std::string MaskPreview(std::string_view text);

// Where the HMAC key comes from, first found wins:
//   1. `explicit_key` (the --hmac-key option), if given;
//   2. the file `key_file` (--hmac-key-file), if given;
//   3. the environment variable REDACT_HMAC_KEY;
//   4. $XDG_CONFIG_HOME/redact/hmac.key (or ~/.config/redact/hmac.key), created
//      with 32 random bytes (hex) and mode 0600 on first use, its folder 0700.
//      Creation is race-free: the key is written whole to a temporary and
//      hard-linked into place, so concurrent first runs all get the same key.
// A key read from a file is its text less trailing line ends. An empty key from
// any source is an error (not a fall-through to the next source). Fails with
// kConfig when a key is empty or a key file cannot be read or created. Reads the
// environment; safe across threads as long as nothing calls setenv meanwhile.
Result<std::string> LoadHmacKey(const std::optional<std::string>& explicit_key,
                                const std::optional<std::string>& key_file);

}  // namespace redact
