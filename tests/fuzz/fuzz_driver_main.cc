// A deterministic stand-in for libFuzzer's driver, so the fuzz target's invariants run in every
// `make test` (as the `frame_fuzz_smoke` test, built with the ordinary compiler).
//
//   frame_fuzz_smoke                 replays a fixed corpus: pseudo-random inputs and mutations
//                                    of hand-built valid frames (seeded, the same every run)
//   frame_fuzz_smoke FILE...         replays the given inputs (e.g. a crash file from libFuzzer)
//   frame_fuzz_smoke --seeds DIR     writes the hand-built seeds to DIR (a libFuzzer corpus)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dataplane/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace chainlab::dataplane {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr size_t kIterations = 200'000;

// splitmix64: a fixed seed gives the same corpus on every run and machine.
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

void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

// Control bytes (see frame_fuzz.cc) followed by a frame.
Bytes input(const VnetHeader& vnet, uint8_t headroom, const std::vector<uint8_t>& ops,
            const Bytes& frame) {
  Bytes b(sizeof(VnetHeader));
  std::memcpy(b.data(), &vnet, sizeof(vnet));
  b.push_back(headroom);
  for (size_t i = 0; i < 4; ++i) {
    b.push_back(i < ops.size() ? ops[i] : 7);
  }
  b.insert(b.end(), frame.begin(), frame.end());
  return b;
}

Bytes ethernet(std::vector<std::pair<uint16_t, uint16_t>> tags, uint16_t eth_type) {
  Bytes b = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
  for (auto [tpid, tci] : tags) {
    put16(b, tpid);
    put16(b, tci);
  }
  put16(b, eth_type);
  return b;
}

Bytes ipv4(Bytes b, uint8_t proto, size_t l4_len, size_t payload) {
  Bytes ip = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
  b.insert(b.end(), ip.begin(), ip.end());
  put16(b, 1234);
  put16(b, 80);
  b.resize(b.size() + l4_len - 4 + payload, 0x11);
  return b;
}

std::vector<Bytes> seeds() {
  VnetHeader none;
  VnetHeader csum{kVnetNeedsCsum, kGsoNone, 0, 0, 34, 16};
  VnetHeader tso{kVnetNeedsCsum, kGsoTcpv4, 54, 1448, 34, 16};
  VnetHeader tagged_tso{kVnetNeedsCsum, kGsoTcpv4, 58, 1000, 38, 16};
  VnetHeader udp_gso{kVnetNeedsCsum, kGsoUdpL4, 42, 500, 34, 6};
  Bytes arp = ethernet({}, 0x0806);
  for (uint8_t v :
       {0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2}) {
    arp.push_back(v);
  }
  Bytes ipv6 = ethernet({}, 0x86dd);
  Bytes ip6 = {0x60, 0, 0, 0, 0, 8, 17, 64};
  ipv6.insert(ipv6.end(), ip6.begin(), ip6.end());
  ipv6.resize(ipv6.size() + 32 + 8, 0xfe);
  return {
      input(none, 200, {0x50, 0x01, 0x05, 0x06}, ipv4(ethernet({}, 0x0800), 6, 20, 10)),
      input(csum, 200, {0x05, 0x02, 0x01, 0x03}, ipv4(ethernet({}, 0x0800), 6, 20, 100)),
      input(none, 3, {0x08, 0x0d, 0x14}, ipv4(ethernet({{0x8100, 10}}, 0x0800), 17, 8, 20)),
      input(none, 200, {0x01, 0x01, 0x06},
            ipv4(ethernet({{0x88a8, 5}, {0x8100, 7}}, 0x0800), 6, 20, 0)),
      input(none, 8, {0x09, 0x05}, ipv4(ethernet({}, 0x0800), 1, 4, 56)),
      input(none, 200, {0x02, 0x04}, ipv4(ethernet({}, 0x0800), 132, 12, 16)),
      input(tso, 200, {0x05, 0x01, 0x00, 0x01}, ipv4(ethernet({}, 0x0800), 6, 20, 4000)),
      input(tagged_tso, 200, {0x01, 0x05, 0x06},
            ipv4(ethernet({{0x8100, 42}}, 0x0800), 6, 20, 3000)),
      input(udp_gso, 4, {0x00, 0x00, 0x01}, ipv4(ethernet({}, 0x0800), 17, 8, 2000)),
      input(none, 200, {0x03, 0x04, 0x00}, arp),
      input(none, 200, {0x02, 0x01}, ipv6),
      input(none, 0, {}, Bytes(13, 0xff)),
  };
}

Bytes mutate(Bytes b, Rng& rng) {
  size_t rounds = 1 + rng.below(8);
  for (size_t i = 0; i < rounds; ++i) {
    switch (rng.below(6)) {
      case 0:  // flip a bit
        if (!b.empty()) {
          b[rng.below(b.size())] ^= static_cast<uint8_t>(1u << rng.below(8));
        }
        break;
      case 1:  // overwrite a byte
        if (!b.empty()) {
          b[rng.below(b.size())] = rng.byte();
        }
        break;
      case 2:  // truncate
        b.resize(rng.below(b.size() + 1));
        break;
      case 3:  // insert bytes
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng.below(b.size() + 1)), rng.below(8) + 1,
                 rng.byte());
        break;
      case 4:  // new operations
        for (size_t k = 11; k < 15 && k < b.size(); ++k) {
          b[k] = rng.byte();
        }
        break;
      default:  // interesting values at an interesting place
        if (!b.empty()) {
          static constexpr uint8_t kValues[] = {0x00, 0xff, 0x81, 0x88, 0xa8, 0x08, 0x86, 0xdd,
                                                0x45, 0x4f, 0x40, 0x20, 0x06, 0x11, 0x84, 0x01};
          b[rng.below(std::min<size_t>(b.size(), 80))] = kValues[rng.below(sizeof(kValues))];
        }
        break;
    }
  }
  return b;
}

int run_corpus() {
  Rng rng(0xc0ffee);
  std::vector<Bytes> corpus = seeds();
  for (const Bytes& s : corpus) {
    LLVMFuzzerTestOneInput(s.data(), s.size());
  }
  for (size_t i = 0; i < kIterations; ++i) {
    Bytes b;
    if (rng.below(3) == 0) {
      b.resize(rng.below(160));
      for (uint8_t& x : b) {
        x = rng.byte();
      }
    } else {
      b = mutate(corpus[rng.below(corpus.size())], rng);
    }
    LLVMFuzzerTestOneInput(b.data(), b.size());
  }
  std::printf("frame_fuzz_smoke: %zu inputs, all invariants held\n", kIterations + corpus.size());
  return 0;
}

int write_seeds(const std::string& dir) {
  std::vector<Bytes> corpus = seeds();
  for (size_t i = 0; i < corpus.size(); ++i) {
    std::string path = dir + "/seed-" + std::to_string(i);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(corpus[i].data()),
              static_cast<std::streamsize>(corpus[i].size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", corpus.size(), dir.c_str());
  return 0;
}

int replay(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 1;
    }
    Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(b.data(), b.size());
    std::printf("%s: ok\n", argv[i]);
  }
  return 0;
}

}  // namespace
}  // namespace chainlab::dataplane

int main(int argc, char** argv) {
  using namespace chainlab::dataplane;
  if (argc == 3 && std::strcmp(argv[1], "--seeds") == 0) {
    return write_seeds(argv[2]);
  }
  if (argc > 1) {
    return replay(argc, argv);
  }
  return run_corpus();
}
