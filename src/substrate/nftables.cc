#include "substrate/nftables.h"

#include <nftables/libnftables.h>

#include <memory>

#include "substrate/netns.h"

namespace chainlab::substrate {

namespace {

struct CtxFree {
  void operator()(nft_ctx* ctx) const { nft_ctx_free(ctx); }
};

// Runs `script` through a context made in the calling thread's current namespace.
Status run_script(const std::string& script) {
  std::unique_ptr<nft_ctx, CtxFree> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!ctx) {
    return make_error(ErrorCode::kInternal, "nftables: cannot create a context");
  }
  nft_ctx_buffer_output(ctx.get());
  nft_ctx_buffer_error(ctx.get());
  if (nft_run_cmd_from_buffer(ctx.get(), script.c_str()) != 0) {
    const char* error = nft_ctx_get_error_buffer(ctx.get());
    return make_error(ErrorCode::kInternal, "nftables: {}", error != nullptr ? error : "failed");
  }
  return ok_status();
}

}  // namespace

Status load_nftables(const std::string& netns, const std::string& script) {
  CL_ASSIGN_OR_RETURN(Netns ns, Netns::open(netns));
  return ns.run_in([&] { return run_script(script); });
}

}  // namespace chainlab::substrate
