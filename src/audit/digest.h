// What the audit log says about a matched text instead of the text itself: a
// keyed digest (HMAC-SHA-256, so repeated values correlate within one key but
// cannot be brute-forced without it) and a masked preview.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace redact {

// Hex HMAC-SHA-256 of `text` under `key`.
std::string HmacDigest(std::string_view key, std::string_view text);

// At most the first two characters (code points) of each word, the rest of the
// word as '*': "Operation Kestrel" -> "Op******* Ke*****". Whitespace runs become
// one space.
std::string MaskPreview(std::string_view text);

// Where the HMAC key comes from, first found wins:
//   1. `explicit_key` (the --hmac-key option), if given;
//   2. the environment variable REDACT_HMAC_KEY;
//   3. the file `key_file` (--hmac-key-file), if given;
//   4. $XDG_CONFIG_HOME/redact/hmac.key (or ~/.config/redact/hmac.key), created
//      with 32 random bytes (hex) and mode 0600 on first use.
// Fails with kConfig when a key file cannot be read or created.
Result<std::string> LoadHmacKey(const std::optional<std::string>& explicit_key,
                                const std::optional<std::string>& key_file);

}  // namespace redact
