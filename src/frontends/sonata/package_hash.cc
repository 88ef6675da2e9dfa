// Hex digests of in-memory package bytes: md5 (SONATA manifests), SHA-1 (the upload answer) and
// SHA-256 (5GTANGO NAPD). One-shot EVP_Digest: the inputs are already in memory.
#include <openssl/evp.h>

#include <cassert>

#include "common/hex.h"
#include "frontends/sonata/package_internal.h"

namespace chainlab::sonata::detail {
namespace {

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  int ok = EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  assert(ok == 1);
  (void)ok;
  return hex_encode(out, len);
}

}  // namespace

std::string md5_hex(std::string_view data) {
  return digest_hex(EVP_md5(), data);
}

std::string sha1_hex(std::string_view data) {
  return digest_hex(EVP_sha1(), data);
}

std::string sha256_hex(std::string_view data) {
  return digest_hex(EVP_sha256(), data);
}

}  // namespace chainlab::sonata::detail
