// A deterministic stand-in for libFuzzer's driver, shared by every fuzz target of tests/fuzz, so
// that each target's invariants run in every `make test` (as the `<target>_fuzz_smoke` test, built
// with the ordinary compiler and no coverage feedback):
//
//   <target>_fuzz_smoke [--mutations N] [--seconds S] [--dict FILE] [--seed X] [-v] PATH...
//
// Every PATH (a file, or a directory whose regular files are read in name order; a missing path is
// skipped) is replayed through LLVMFuzzerTestOneInput. Then N inputs are made by mutating the
// replayed ones (bit flips, byte changes, cuts, repeats, splices, dictionary tokens and interesting
// numbers; a splitmix64 generator seeded with X, so every run and machine sees the same inputs),
// stopping early after S seconds. A failed invariant traps, an escaping exception aborts: either
// fails the test, and the input that did it is written to ./fuzz-smoke-failure-<target>.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

using Bytes = std::vector<uint8_t>;
namespace fs = std::filesystem;

constexpr size_t kMaxInput = 64 * 1024;

// splitmix64: a fixed seed gives the same inputs on every run and machine.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
  uint8_t byte() { return static_cast<uint8_t>(next()); }

 private:
  uint64_t state_;
};

struct Options {
  size_t mutations = 0;
  double seconds = 15;
  uint64_t seed = 0xc0ffee;
  bool verbose = false;
  std::string dict;
  std::vector<std::string> paths;
};

// The input being run, written out by the signal handler if the process dies on it (a failed
// invariant traps, an escaping exception aborts, a bug may fault).
const Bytes* g_current = nullptr;
char g_failure_file[256] = "fuzz-smoke-failure";

void on_fatal_signal(int sig) {
  if (g_current != nullptr) {
    int fd = ::open(g_failure_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      size_t off = 0;
      while (off < g_current->size()) {
        ssize_t n = ::write(fd, g_current->data() + off, g_current->size() - off);
        if (n <= 0) {
          break;
        }
        off += static_cast<size_t>(n);
      }
      ::close(fd);
      static const char kMsg[] = "fuzz smoke: the failing input is in ";
      [[maybe_unused]] ssize_t w = ::write(2, kMsg, sizeof(kMsg) - 1);
      w = ::write(2, g_failure_file, std::strlen(g_failure_file));
      w = ::write(2, "\n", 1);
    }
  }
  ::raise(sig);  // SA_RESETHAND: the default action now
}

void install_handlers(const std::string& name) {
  std::snprintf(g_failure_file, sizeof(g_failure_file), "fuzz-smoke-failure-%s", name.c_str());
  // Its own stack, so that a stack overflow still gets the input written.
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  ::sigaltstack(&ss, nullptr);
  for (int sig : {SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE}) {
    struct sigaction old {};
    // Signals a sanitizer runtime already handles stay with it (its report is better).
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) {
      struct sigaction sa {};
      sa.sa_handler = on_fatal_signal;
      sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
      ::sigaction(sig, &sa, nullptr);
    }
  }
}

void run_one(const Bytes& b) {
  g_current = &b;
  LLVMFuzzerTestOneInput(b.data(), b.size());
  g_current = nullptr;
}

Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files_of(const std::string& arg) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    for (const auto& e : fs::directory_iterator(arg, ec)) {
      if (e.is_regular_file(ec) && e.path().filename().string()[0] != '.') {
        out.push_back(e.path());
      }
    }
    std::sort(out.begin(), out.end());
  } else if (fs::is_regular_file(arg, ec)) {
    out.push_back(arg);
  }
  return out;
}

// libFuzzer dictionary lines: `name="value"` or `"value"`, with \\, \" and \xNN escapes.
std::vector<Bytes> read_dict(const std::string& path) {
  std::vector<Bytes> tokens;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t open = line.find('"');
    size_t close = line.rfind('"');
    if (line.empty() || line[0] == '#' || open == std::string::npos || close <= open) {
      continue;
    }
    Bytes t;
    for (size_t i = open + 1; i < close; ++i) {
      if (line[i] == '\\' && i + 1 < close) {
        if (line[i + 1] == 'x' && i + 3 < close) {
          t.push_back(static_cast<uint8_t>(std::stoi(line.substr(i + 2, 2), nullptr, 16)));
          i += 3;
        } else {
          t.push_back(static_cast<uint8_t>(line[++i]));
        }
      } else {
        t.push_back(static_cast<uint8_t>(line[i]));
      }
    }
    if (!t.empty()) {
      tokens.push_back(std::move(t));
    }
  }
  return tokens;
}

const char* const kNumbers[] = {"0",          "-1",         "1",
                                "65535",      "65536",      "-0",
                                "2147483648", "4294967296", "1e308",
                                "-1e308",     "1e-9",       "nan",
                                "inf",        "0x10",       "9223372036854775808",
                                "0.5",        "1.5e3",      "18446744073709551616"};

void insert(Bytes& b, size_t at, const Bytes& what) {
  b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), what.begin(), what.end());
}

// One random edit of `b`; `other` is another corpus input (splices), `dict` the tokens.
void mutate_once(Bytes& b, const Bytes& other, const std::vector<Bytes>& dict, Rng& rng) {
  size_t at = rng.below(b.size() + 1);
  switch (rng.below(10)) {
    case 0:  // flip a bit
      if (!b.empty()) {
        b[rng.below(b.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
      }
      break;
    case 1:  // overwrite a byte (printable most of the time: the formats are text)
      if (!b.empty()) {
        b[rng.below(b.size())] =
            rng.below(4) == 0 ? rng.byte() : static_cast<uint8_t>(32 + rng.below(95));
      }
      break;
    case 2: {  // cut a range
      size_t len = std::min(b.size() - std::min(at, b.size()), 1 + rng.below(16));
      b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
              b.begin() + static_cast<std::ptrdiff_t>(at + len));
      break;
    }
    case 3:  // truncate
      b.resize(rng.below(b.size() + 1));
      break;
    case 4: {  // repeat a range (nesting, long lists, long names)
      if (b.empty()) {
        break;
      }
      size_t from = rng.below(b.size());
      size_t len = 1 + rng.below(std::min<size_t>(b.size() - from, 32));
      Bytes piece(b.begin() + static_cast<std::ptrdiff_t>(from),
                  b.begin() + static_cast<std::ptrdiff_t>(from + len));
      for (size_t n = 1 + rng.below(8); n > 0; --n) {
        insert(b, from, piece);
      }
      break;
    }
    case 5: {  // splice a range of another input
      if (other.empty()) {
        break;
      }
      size_t from = rng.below(other.size());
      size_t len = 1 + rng.below(std::min<size_t>(other.size() - from, 64));
      insert(b, at,
             Bytes(other.begin() + static_cast<std::ptrdiff_t>(from),
                   other.begin() + static_cast<std::ptrdiff_t>(from + len)));
      break;
    }
    case 6:
    case 7:  // a dictionary token
      if (!dict.empty()) {
        insert(b, at, dict[rng.below(dict.size())]);
      }
      break;
    case 8: {  // an interesting number instead of a digit run
      const char* n = kNumbers[rng.below(std::size(kNumbers))];
      auto digit = std::find_if(b.begin() + static_cast<std::ptrdiff_t>(at), b.end(),
                                [](uint8_t c) { return c >= '0' && c <= '9'; });
      auto end = std::find_if(digit, b.end(), [](uint8_t c) { return c < '0' || c > '9'; });
      size_t pos = static_cast<size_t>(digit - b.begin());
      b.erase(digit, end);
      insert(b, pos, Bytes(n, n + std::strlen(n)));
      break;
    }
    default:  // insert random bytes
      insert(b, at, Bytes(1 + rng.below(4), rng.byte()));
      break;
  }
}

int run(const Options& o, const std::string& name) {
  auto start = std::chrono::steady_clock::now();
  std::vector<Bytes> corpus;
  for (const std::string& p : o.paths) {
    for (const fs::path& f : files_of(p)) {
      corpus.push_back(read_bytes(f));
      if (o.verbose) {
        std::printf("%s\n", f.c_str());
        std::fflush(stdout);
      }
      run_one(corpus.back());
    }
  }
  size_t replayed = corpus.size();
  if (corpus.empty()) {
    corpus.emplace_back();
  }
  std::vector<Bytes> dict = o.dict.empty() ? std::vector<Bytes>() : read_dict(o.dict);
  Rng rng(o.seed);
  std::vector<Bytes> recent;  // mutants are mutated again now and then: deeper edits
  size_t done = 0;
  for (; done < o.mutations; ++done) {
    if ((done & 63) == 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
            o.seconds) {
      std::printf("%s: time budget of %.0f s reached\n", name.c_str(), o.seconds);
      break;
    }
    bool again = !recent.empty() && rng.below(4) == 0;
    Bytes b = again ? recent[rng.below(recent.size())] : corpus[rng.below(corpus.size())];
    const Bytes& other = corpus[rng.below(corpus.size())];
    for (size_t k = 1 + rng.below(5); k > 0; --k) {
      mutate_once(b, other, dict, rng);
    }
    if (b.size() > kMaxInput) {
      b.resize(kMaxInput);
    }
    run_one(b);
    if (recent.size() < 256) {
      recent.push_back(std::move(b));
    } else {
      recent[rng.below(recent.size())] = std::move(b);
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %zu inputs replayed, %zu mutations in %.1f s, all invariants held\n",
              name.c_str(), replayed, done, secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--mutations" && has_value) {
      o.mutations = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--seconds" && has_value) {
      o.seconds = std::strtod(argv[++i], nullptr);
    } else if (a == "--seed" && has_value) {
      o.seed = std::strtoull(argv[++i], nullptr, 0);
    } else if (a == "--dict" && has_value) {
      o.dict = argv[++i];
    } else if (a == "-v") {
      o.verbose = true;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr,
                   "usage: %s [--mutations N] [--seconds S] [--dict FILE] [--seed X] [-v] "
                   "PATH...\n",
                   argv[0]);
      return 2;
    } else {
      o.paths.emplace_back(a);
    }
  }
  std::string name = fs::path(argv[0]).filename().string();
  install_handlers(name);
  return run(o, name);
}
