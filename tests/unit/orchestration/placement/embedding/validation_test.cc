#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "orchestration/placement/embedding/algorithm.h"

namespace chainlab::orchestration::embedding {
namespace {

// sap1 <-> infra <-> sap2, and a request sap1 -> fw -> sap2 that validates.
struct Instance {
  Substrate substrate;
  Request request;
};

Instance valid() {
  Instance in;
  SubstrateNode infra;
  infra.id = "infra";
  infra.supported = {"fw"};
  infra.capacity = {4, 1024, 10};
  SubstrateNode sap1;
  sap1.id = "sap1";
  sap1.kind = NodeKind::kSap;
  SubstrateNode sap2 = sap1;
  sap2.id = "sap2";
  in.substrate.nodes = {sap1, infra, sap2};
  in.substrate.links = {{"l1", 0, 1, 1, kUnlimited, 1}, {"l2", 1, 2, 1, 100, 1}};

  NfRequest fw;
  fw.id = "fw";
  fw.functional_type = "fw";
  fw.demand = {1, 64, 1};
  in.request.id = "req";
  in.request.nfs = {fw};
  in.request.saps = {{"sap1", ""}, {"in", "sap2"}};
  HopRequest h1;
  h1.id = "h1";
  h1.src = "sap1";
  h1.dst = "fw";
  HopRequest h2 = h1;
  h2.id = "h2";
  h2.src = "fw";
  h2.dst = "in";
  in.request.hops = {h1, h2};
  in.request.requirements = {{"e2e", {"h1", "h2"}, 20.0, 5}};
  return in;
}

// The message of the InvalidArgument validate_request returns.
std::string refusal(const Instance& in) {
  Status s = validate_request(in.substrate, in.request);
  if (s.ok()) {
    return "accepted";
  }
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  return s.error().message;
}

TEST(ValidateRequest, AcceptsAWellFormedRequestWithUnlimitedBandwidths) {
  EXPECT_EQ(refusal(valid()), "accepted");
}

TEST(ValidateRequest, RefusesAnNfAndASapWithOneId) {
  Instance in = valid();
  in.request.saps[1].id = "fw";
  EXPECT_EQ(refusal(in), "NF/SAP fw: duplicate id");
}

TEST(ValidateRequest, RefusesAnEmptyId) {
  Instance in = valid();
  in.request.nfs[0].id = "";
  EXPECT_EQ(refusal(in), "NF/SAP with an empty id");
}

TEST(ValidateRequest, RefusesDuplicateHopIds) {
  Instance in = valid();
  in.request.hops[1].id = "h1";
  EXPECT_EQ(refusal(in), "hop h1: duplicate id");
}

TEST(ValidateRequest, RefusesDuplicateRequirementIds) {
  Instance in = valid();
  in.request.requirements.push_back(in.request.requirements[0]);
  EXPECT_EQ(refusal(in), "requirement e2e: duplicate id");
}

TEST(ValidateRequest, RefusesAHopEndNamingNothing) {
  Instance in = valid();
  in.request.hops[1].dst = "x";
  EXPECT_EQ(refusal(in), "hop h2: dst 'x' is neither an NF nor a SAP");
  in = valid();
  in.request.hops[0].src = "y";
  EXPECT_EQ(refusal(in), "hop h1: src 'y' is neither an NF nor a SAP");
}

TEST(ValidateRequest, RefusesARequirementPathNamingNoHop) {
  Instance in = valid();
  in.request.requirements[0].path.push_back("h9");
  EXPECT_EQ(refusal(in), "requirement e2e: path 'h9' is not a hop of the request");
}

TEST(ValidateRequest, RefusesAffinityNamingNoNf) {
  Instance in = valid();
  in.request.nfs[0].affinity = {"sap1"};  // a SAP is not an NF
  EXPECT_EQ(refusal(in), "NF fw: affinity 'sap1' is not an NF of the request");
}

TEST(ValidateRequest, RefusesAntiAffinityNamingNoNf) {
  Instance in = valid();
  in.request.nfs[0].anti_affinity = {"nat"};
  EXPECT_EQ(refusal(in), "NF fw: anti_affinity 'nat' is not an NF of the request");
}

TEST(ValidateRequest, RefusesHopAntiAffinityNamingNoHop) {
  Instance in = valid();
  in.request.hops[0].anti_affinity = {"fw"};
  EXPECT_EQ(refusal(in), "hop h1: anti_affinity 'fw' is not a hop of the request");
}

TEST(ValidateRequest, RefusesASapBindingThatIsNotASubstrateSap) {
  Instance in = valid();
  in.request.saps[1].binding = "infra";
  EXPECT_EQ(refusal(in), "SAP in: binding 'infra' is not a substrate SAP");
  in.request.saps[1].binding = "";  // defaults to its own id, "in": no such node
  EXPECT_EQ(refusal(in), "SAP in: binding 'in' is not a substrate SAP");
}

TEST(ValidateRequest, RefusesNegativeNanAndInfiniteNumbers) {
  Instance in = valid();
  in.request.nfs[0].demand.cpu = -1;
  EXPECT_EQ(refusal(in), "NF fw: demand.cpu must be a finite number >= 0 (got -1)");
  in = valid();
  in.request.hops[0].bandwidth = std::nan("");
  EXPECT_EQ(refusal(in), "hop h1: bandwidth must be a finite number >= 0 (got nan)");
  in = valid();
  in.request.requirements[0].max_delay_ms = std::numeric_limits<double>::infinity();
  EXPECT_EQ(refusal(in), "requirement e2e: max_delay_ms must be a finite number >= 0 (got inf)");
  in = valid();
  in.substrate.nodes[1].capacity.mem = kUnlimited;  // only bandwidths may be unlimited
  EXPECT_EQ(refusal(in),
            "substrate node infra: capacity.mem must be a finite number >= 0 (got inf)");
  in = valid();
  in.substrate.links[0].delay_ms = -0.5;
  EXPECT_EQ(refusal(in), "substrate link l1: delay_ms must be a finite number >= 0 (got -0.5)");
}

TEST(ValidateRequest, RefusesALinkIndexOutOfRange) {
  Instance in = valid();
  in.substrate.links[1].dst = 3;
  EXPECT_EQ(refusal(in), "substrate link l2: node index 1 -> 3 out of range (3 nodes)");
}

TEST(ValidateRequest, RefusesALinkWithoutCost) {
  Instance in = valid();
  in.substrate.links[0].cost = 0;
  EXPECT_EQ(refusal(in), "substrate link l1: cost must be > 0 (got 0)");
}

TEST(ValidateRequest, RefusesAnElementThatIsAntiAffineToItself) {
  Instance in = valid();
  in.request.nfs[0].anti_affinity = {in.request.nfs[0].id};
  EXPECT_EQ(refusal(in), "NF fw: anti_affinity names itself");
  in = valid();
  in.request.hops[0].anti_affinity = {in.request.hops[0].id};
  EXPECT_EQ(refusal(in), "hop h1: anti_affinity names itself");
}

TEST(ValidateRequest, RefusesDuplicateSubstrateNodeIds) {
  Instance in = valid();
  in.substrate.nodes[2].id = "sap1";
  EXPECT_EQ(refusal(in), "substrate node sap1: duplicate id");
}

}  // namespace
}  // namespace chainlab::orchestration::embedding
