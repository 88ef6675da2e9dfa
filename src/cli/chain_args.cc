#include "cli/chain_args.h"

#include "cli/parse.h"

namespace chainlab::cli {

void add_chain_flags(CLI::App& cmd, ChainArgs& args, const std::string& match_flag) {
  cmd.add_option("--src", args.src, "Source VNF[:INTERFACE] (also -src)")->required();
  cmd.add_option("--dst", args.dst, "Destination VNF[:INTERFACE] (also -dst)")->required();
  cmd.add_flag("-b,--bidirectional", args.bidirectional, "Also chain dst -> src");
  cmd.add_option("-c,--cookie", args.cookie, "Cookie of the flow rules (default 10)");
  cmd.add_option("-p,--priority", args.priority, "Priority of the flow rules (default 1000)")
      ->check(CLI::Range(0, 65535));
  cmd.add_option(match_flag, args.match, "Extra match, e.g. \"dl_type=0x0800,nw_proto=6\"");
  cmd.add_option("-w,--weight", args.weight, "Shortest path by 'hops' (default) or 'delay'");
  cmd.add_option("--path", args.path, "Explicit path: comma-separated nodes");
}

Result<nlohmann::json> chain_body(const ChainArgs& args) {
  CL_ASSIGN_OR_RETURN(VnfInterface src, parse_vnf_interface(args.src));
  CL_ASSIGN_OR_RETURN(VnfInterface dst, parse_vnf_interface(args.dst));
  nlohmann::json body = {{"vnf_src_name", src.vnf}, {"vnf_dst_name", dst.vnf}};
  if (!src.intf.empty()) {
    body["vnf_src_interface"] = src.intf;
  }
  if (!dst.intf.empty()) {
    body["vnf_dst_interface"] = dst.intf;
  }
  if (args.bidirectional) {
    body["bidirectional"] = true;
  }
  if (args.cookie) {
    body["cookie"] = *args.cookie;
  }
  if (args.priority) {
    body["priority"] = *args.priority;
  }
  if (!args.match.empty()) {
    body["match"] = args.match;
  }
  if (!args.weight.empty()) {
    if (args.weight != "hops" && args.weight != "delay") {
      return make_error(ErrorCode::kInvalidArgument, "-w: '{}' is not 'hops' or 'delay'",
                        args.weight);
    }
    body["weight"] = args.weight;
  }
  if (!args.path.empty()) {
    body["path"] = args.path;
  }
  return body;
}

}  // namespace chainlab::cli
