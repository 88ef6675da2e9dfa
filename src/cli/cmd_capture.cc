// `chainlab capture INSTANCE:IF [FILTER...] [-w FILE|-] [-c N] [--duration S] [-s SNAPLEN]`: the
// frames of an instance's interface seen from its switch port (both directions, nothing runs in
// the instance), as pcapng (REST: GET /restapi/compute/<pop>/<name>/capture/<intf>). FILTER is
// tcpdump's syntax. Without -w the capture goes to stdout unless that is a terminal:
// `chainlab capture web:emu0 icmp | tcpdump -nr -`. At the end the number of frames is printed on
// stderr. Ctrl-C ends it (the file then holds every whole frame received).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/commands.h"
#include "cli/remote.h"

namespace chainlab::cli {
namespace {

struct CaptureOptions {
  RemoteOptions remote;
  std::string target;  // INSTANCE:IF
  std::vector<std::string> filter;
  std::string write;  // "" = stdout when it is not a terminal, "-" = stdout
  std::string pop;
  uint64_t count = 0;
  uint64_t duration = 0;
  uint32_t snaplen = 0;
};

// Counts the Enhanced Packet Blocks of a pcapng stream as its bytes go by.
class FrameCounter {
 public:
  void feed(std::string_view bytes) {
    for (char c : bytes) {
      if (skip_ > 0) {
        --skip_;
        continue;
      }
      head_.push_back(c);
      if (head_.size() == 8) {
        uint32_t type = 0;
        uint32_t length = 0;
        std::memcpy(&type, head_.data(), 4);
        std::memcpy(&length, head_.data() + 4, 4);
        frames_ += type == 6 ? 1 : 0;
        skip_ = length >= 8 ? length - 8 : 0;
        head_.clear();
      }
    }
  }
  uint64_t frames() const { return frames_; }

 private:
  std::string head_;
  uint64_t skip_ = 0;
  uint64_t frames_ = 0;
};

Result<std::pair<std::string, std::string>> split_target(const std::string& target) {
  auto colon = target.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == target.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "'{}': give the instance and its interface as INSTANCE:IF (e.g. web:emu0)",
                      target);
  }
  return std::pair{target.substr(0, colon), target.substr(colon + 1)};
}

Query capture_query(const CaptureOptions& opt) {
  Query query;
  std::string filter;
  for (const auto& word : opt.filter) {
    filter += (filter.empty() ? "" : " ") + word;
  }
  if (!filter.empty()) {
    query.emplace_back("filter", filter);
  }
  if (opt.count > 0) {
    query.emplace_back("count", std::to_string(opt.count));
  }
  if (opt.duration > 0) {
    query.emplace_back("duration", std::to_string(opt.duration));
  }
  if (opt.snaplen > 0) {
    query.emplace_back("snaplen", std::to_string(opt.snaplen));
  }
  return query;
}

// Where the capture goes: the file of -w, else stdout (refused when it is a terminal).
Result<std::unique_ptr<FILE, int (*)(FILE*)>> open_output(const std::string& write) {
  auto keep_stdout = [](FILE*) { return 0; };
  if (write.empty() && ::isatty(STDOUT_FILENO) != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the capture is pcapng: give -w FILE, or pipe it (| tcpdump -nr -)");
  }
  if (write.empty() || write == "-") {
    return std::unique_ptr<FILE, int (*)(FILE*)>(stdout, keep_stdout);
  }
  FILE* f = std::fopen(write.c_str(), "wb");
  if (f == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "cannot write {}: {}", write,
                      std::strerror(errno));
  }
  return std::unique_ptr<FILE, int (*)(FILE*)>(f, std::fclose);
}

// Streams the capture at `path` into `f`; prints how many frames came. A capture the server
// refused wrote nothing: its file is removed again.
int stream_to(RestClient& client, const std::string& path, const CaptureOptions& opt, FILE* f) {
  client.set_read_timeout(std::chrono::hours(24 * 365));  // a quiet port is no error
  FrameCounter counter;
  size_t bytes = 0;
  auto streamed = client.get_stream(path, capture_query(opt), [&](std::string_view chunk) {
    counter.feed(chunk);
    bytes += chunk.size();
    return std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size() && std::fflush(f) == 0;
  });
  if (!streamed.ok() && bytes == 0) {
    if (!opt.write.empty() && opt.write != "-") {
      std::remove(opt.write.c_str());
    }
    return fail(streamed.error());
  }
  std::fprintf(stderr, "%llu frames captured on %s\n",
               static_cast<unsigned long long>(counter.frames()), opt.target.c_str());
  return streamed.ok() ? 0 : fail(streamed.error());
}

int run_capture(const CaptureOptions& opt) {
  auto target = split_target(opt.target);
  if (!target.ok()) {
    return fail(target.error());
  }
  auto client = connect(opt.remote);
  if (!client.ok()) {
    return fail(client.error());
  }
  auto pop = opt.pop.empty() ? pop_of_instance(*client, target->first) : opt.pop;
  if (!pop.ok()) {
    return fail(pop.error());
  }
  auto out = open_output(opt.write);
  if (!out.ok()) {
    return fail(out.error());
  }
  std::string path = "/restapi/compute/" + url_encode(*pop) + "/" + url_encode(target->first) +
                     "/capture/" + url_encode(target->second);
  return stream_to(*client, path, opt, out->get());
}

}  // namespace

void add_capture_command(CLI::App& app, CliContext& ctx) {
  auto opt = std::make_shared<CaptureOptions>();
  auto* cmd = app.add_subcommand(
      "capture",
      "Capture an instance's frames from its switch port as pcapng: capture NAME:IF (REST)");
  cmd->add_option("target", opt->target, "INSTANCE:IF, e.g. web:emu0")->required();
  cmd->add_option("filter", opt->filter, "A tcpdump filter expression, e.g. icmp or tcp port 80");
  cmd->add_option("-w,--write", opt->write,
                  "Write to FILE ('-': stdout, the default off a terminal)");
  cmd->add_option("-c,--count", opt->count, "Stop after N frames (1..1000000)")
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--duration", opt->duration, "Stop after S seconds (1..86400)")
      ->check(CLI::Range(1, 86'400));
  cmd->add_option("-s,--snaplen", opt->snaplen,
                  "Keep at most this many bytes of a frame (64..262144)")
      ->check(CLI::Range(64, 262'144));
  cmd->add_option("-d,--datacenter", opt->pop, "The instance's PoP (default: looked up)");
  opt->remote.env = ctx.env;
  cmd->add_option("-e,--endpoint", opt->remote.endpoint,
                  "REST endpoint of `chainlab run` (default $CHAINLAB_ENDPOINT or " +
                      std::string(kDefaultEndpoint) + ")");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_capture(*opt); });
}

}  // namespace chainlab::cli
