// Domains' views merged into one global view, as ESCAPE's multi-domain orchestrator builds it
// (issue 19; docs/design/mdo.md): every infra keeps (or gets) its domain's name; a SAP that two
// domains both expose (the same SAP id) is where they meet: the SAP and its two access links
// give way to one link pair between the two infra ports it was attached to, its delay the sum
// of the two access links' delays and its bandwidth the smaller of theirs. Everything else
// (infras, other SAPs, links, NFs already deployed and their flow rules, hops, requirements) is
// copied as it is.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "frontends/escape/nffg.h"

namespace chainlab::escape {

struct DomainNffg {
  std::string domain;  // the domain's name, for infras that do not name one
  Nffg view;
};

// InvalidArgument naming the element for: an empty domain list or name, a node or link id in
// two domains (other than a shared SAP), a SAP shared by more than two domains, a shared SAP
// that is not linked to an infra in each of its two domains.
Result<Nffg> merge_views(const std::vector<DomainNffg>& domains);

}  // namespace chainlab::escape
