// Unpredictable bytes for tokens, ids and names: the kernel's CSPRNG (getrandom(2)), never a
// seeded PRNG whose first outputs clients could see. Thread-safe, no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chainlab {

// Fills `out` with `size` random bytes (blocks only before the kernel's pool is initialised).
void random_bytes(void* out, size_t size);
// 2 * `bytes` lowercase hex characters.
std::string random_hex(size_t bytes);
// A random (version 4) UUID: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string random_uuid();
uint64_t random_u64();
// Compares two secrets in time that depends on neither their contents nor their lengths (their
// SHA-256 digests are compared with CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace chainlab
