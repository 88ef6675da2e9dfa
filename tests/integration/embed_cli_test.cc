// Scenario: `chainlab embed` as a user runs it on ESCAPE's own NFFGs (issue 14): a request maps
// and the mapped NFFG it writes reads back with the NFs' resources taken; a request that cannot
// fit is refused with exit code 3 and the constraint named; DELETE gives the resources back and
// REMAP maps again; every algorithm answers; a bad flag or file is exit code 1.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "frontends/escape/nffg.h"
#include "frontends/escape/nffg_embedding.h"
#include "test_util.h"

namespace chainlab {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const std::string kFixtures = std::string(CHAINLAB_SOURCE_DIR) + "/../shared/fixtures/";
const std::string kTopo = kFixtures + "nffg-escape/escape-mn-topo.nffg";
const std::string kReq = kFixtures + "nffg-escape/escape-mn-req.nffg";

// The JSON document of an output that also holds "wrote FILE" (stderr, merged).
json json_of(const std::string& output) {
  std::string doc;
  for (auto line : split(output, '\n')) {
    if (!line.starts_with("wrote ")) {
      doc += std::string(line) + "\n";
    }
  }
  return json::parse(doc, nullptr, false);
}

class EmbedCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/chainlab-embed-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  testing::CommandResult embed(const std::string& args) {
    return testing::run_command(std::string(CHAINLAB_BINARY) + " embed " + args);
  }

  // The request fixture with `edit` applied, written to the test's folder.
  template <typename Edit>
  std::string edited_request(const std::string& name, Edit edit) {
    auto doc = json::parse(*read_file(kReq));
    edit(doc);
    std::string path = dir_ + "/" + name + ".nffg";
    std::ofstream(path) << doc.dump(2);
    return path;
  }
  std::string request_with_mode(const std::string& mode) {
    return edited_request("req-" + mode, [&](json& doc) { doc["parameters"]["mode"] = mode; });
  }

  // Free cpu per infra of an NFFG file, through the reader and the translation under test.
  std::map<std::string, double> free_cpu(const std::string& path) {
    auto nffg = escape::read_nffg(*read_file(path, escape::kMaxNffgBytes));
    EXPECT_TRUE(nffg.ok()) << nffg.error().message;
    auto s = escape::to_substrate(*nffg);
    EXPECT_TRUE(s.ok()) << s.error().message;
    std::map<std::string, double> out;
    for (const auto& n : s->nodes) {
      if (n.kind == orchestration::embedding::NodeKind::kInfra) {
        out[n.id] = n.capacity.cpu;
      }
    }
    return out;
  }

  std::string dir_;
};

TEST_F(EmbedCliTest, MapsAndWritesAMappedNffgThatTakesTheResources) {
  auto r = embed(kTopo + " " + kReq + " -o " + dir_ + "/mapped.nffg");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* word : {"comp", "decomp", "fwd", "REQUIREMENT", "BUDGET MS"}) {
    EXPECT_NE(r.output.find(word), std::string::npos) << word << "\n" << r.output;
  }
  auto before = free_cpu(kTopo);
  auto after = free_cpu(dir_ + "/mapped.nffg");
  double taken = 0;
  for (const auto& [id, cpu] : before) {
    taken += cpu - after[id];
  }
  EXPECT_DOUBLE_EQ(taken, 3);  // fwd, comp and decomp ask for 1 cpu each
}

TEST_F(EmbedCliTest, JsonSaysWhereEachNfWentForEveryAlgorithm) {
  for (const char* algorithm : {"greedy", "alg1", "milp"}) {
    auto r = embed(kTopo + " " + kReq + " --json -a " + algorithm);
    ASSERT_EQ(r.status, 0) << algorithm << ": " << r.output;
    auto doc = json::parse(r.output, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << r.output;
    EXPECT_TRUE(doc["accepted"].get<bool>());
    EXPECT_EQ(doc["nfs"].size(), 3u) << algorithm;
    for (const auto& [id, req] : doc["requirements"].items()) {
      EXPECT_LE(req["delay_ms"].get<double>(), req["budget_ms"].get<double>()) << id;
    }
  }
}

TEST_F(EmbedCliTest, ARequestThatCannotFitIsRefusedWithTheConstraint) {
  // The compressor asks for 8 cpu, as in ReqForNanoTopo; escape-mn-topo's EEs have 5.
  auto req = edited_request("big", [](json& doc) {
    for (auto& nf : doc["node_nfs"]) {
      if (nf["id"] == "comp") {
        nf["specification"]["resources"]["cpu"] = 8;
      }
    }
  });
  auto r = embed(kTopo + " " + req + " --json");
  EXPECT_EQ(r.status, 3) << r.output;
  auto doc = json::parse(r.output, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << r.output;
  EXPECT_FALSE(doc["accepted"].get<bool>());
  EXPECT_EQ(doc["refusal"]["element"], "comp");
  EXPECT_NE(doc["refusal"]["message"].get<std::string>().find("8 cpu"), std::string::npos);
}

TEST_F(EmbedCliTest, DeleteGivesTheResourcesBackAndRemapMapsAgain) {
  std::string mapped = dir_ + "/mapped.nffg";
  ASSERT_EQ(embed(kTopo + " " + kReq + " -o " + mapped).status, 0);
  auto del = embed(mapped + " " + request_with_mode("DELETE") + " -o " + dir_ + "/deleted.nffg");
  ASSERT_EQ(del.status, 0) << del.output;
  EXPECT_EQ(free_cpu(dir_ + "/deleted.nffg"), free_cpu(kTopo));
  auto remap = embed(mapped + " " + request_with_mode("REMAP") + " -o " + dir_ + "/remapped.nffg");
  ASSERT_EQ(remap.status, 0) << remap.output;
  EXPECT_EQ(free_cpu(dir_ + "/remapped.nffg"), free_cpu(mapped));
}

TEST_F(EmbedCliTest, AnAddOfWhatIsMappedKeepsItsNfsWhereTheyAre) {
  std::string mapped = dir_ + "/mapped.nffg";
  auto first = embed(kTopo + " " + kReq + " --json -o " + mapped);
  ASSERT_EQ(first.status, 0) << first.output;
  auto again = embed(mapped + " " + kReq + " --json -o " + dir_ + "/again.nffg");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(json_of(again.output)["nfs"], json_of(first.output)["nfs"]);
  EXPECT_EQ(free_cpu(dir_ + "/again.nffg"), free_cpu(mapped));  // reserved once, not twice
}

TEST_F(EmbedCliTest, AnotherServiceReusingHopIdsIsRefusedNotRewired) {
  std::string mapped = dir_ + "/mapped.nffg";
  ASSERT_EQ(embed(kTopo + " " + kReq + " -o " + mapped).status, 0);
  // Service B: the same chain with its own NFs (renamed), first with A's hop ids.
  auto rename = [](json& doc, int hop_offset) {
    for (auto& nf : doc["node_nfs"]) {
      nf["id"] = nf["id"].get<std::string>() + "-b";
    }
    for (auto* list : {&doc["edge_sg_nexthops"], &doc["edge_reqs"]}) {
      for (auto& e : *list) {
        for (const char* end : {"src_node", "dst_node"}) {
          if (!e[end].get<std::string>().starts_with("SAP")) {
            e[end] = e[end].get<std::string>() + "-b";
          }
        }
      }
    }
    for (auto& h : doc["edge_sg_nexthops"]) {
      h["id"] = h["id"].get<int>() + hop_offset;
    }
    for (auto& q : doc["edge_reqs"]) {
      q["id"] = q["id"].get<int64_t>() + 1;
      for (auto& id : q["sg_path"]) {
        id = id.get<int>() + hop_offset;
      }
    }
  };
  auto same_ids = edited_request("b-same", [&](json& doc) { rename(doc, 0); });
  auto r = embed(mapped + " " + same_ids);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("another service"), std::string::npos) << r.output;
  auto own_ids = edited_request("b-own", [&](json& doc) { rename(doc, 100); });
  r = embed(mapped + " " + own_ids + " -o " + dir_ + "/both.nffg");
  ASSERT_EQ(r.status, 0) << r.output;
  double a_and_b = 0;
  for (const auto& [id, cpu] : free_cpu(dir_ + "/both.nffg")) {
    a_and_b += free_cpu(kTopo)[id] - cpu;
  }
  EXPECT_DOUBLE_EQ(a_and_b, 6);  // both services' three NFs stay reserved
}

TEST_F(EmbedCliTest, BadInputIsExitCodeOneWithAMessage) {
  auto r = embed(kTopo + " " + kReq + " -a nonsense");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("unknown embedding algorithm 'nonsense'"), std::string::npos) << r.output;
  std::ofstream(dir_ + "/broken.nffg") << R"({"node_nfs": [{"id": "x", "specification": )";
  r = embed(kTopo + " " + dir_ + "/broken.nffg");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("broken.nffg"), std::string::npos) << r.output;
  r = embed(kTopo + " " + dir_ + "/missing.nffg");
  EXPECT_EQ(r.status, 1);
  for (const char* flag : {"--branching 0", "--backtrack-depth -1", "--time-limit 0",
                           "--time-limit nan", "--branching x"}) {
    r = embed(kTopo + " " + kReq + " " + flag);
    EXPECT_NE(r.status, 0) << flag << ": " << r.output;
    EXPECT_EQ(r.output.find("mapped in"), std::string::npos) << flag;  // refused before mapping
  }
}

}  // namespace
}  // namespace chainlab
