#include "orchestration/placement/embedding/milp.h"

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <csetjmp>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chainlab::orchestration::embedding {
namespace {

// ---- The program, as plain values (GLPK sees it only inside solve()) ----

// The column of a constant 1: a SAP's fixed node in an indicator, a constant in an expression.
constexpr int kOne = 0;

struct LinearExpr {
  std::map<int, double> terms;  // column -> coefficient
  double constant = 0;

  void add(int column, double coef) {
    if (column == kOne) {
      constant += coef;
    } else {
      terms[column] += coef;
    }
  }
  void add(const LinearExpr& other, double coef = 1) {
    for (const auto& [column, c] : other.terms) {
      terms[column] += coef * c;
    }
    constant += coef * other.constant;
  }
};

struct Row {
  double lo = -kUnlimited;
  double hi = kUnlimited;
  std::vector<std::pair<int, double>> terms;
};

struct Model {
  std::vector<double> objective{0.0};  // per column, 1-based like GLPK (index 0 unused)
  std::vector<Row> rows;
  bool infeasible = false;  // a constraint without variables that cannot hold

  int columns() const { return static_cast<int>(objective.size()) - 1; }

  int add_binary(double cost) {
    objective.push_back(cost);
    return columns();
  }

  // lo <= expr <= hi. A constraint without variables (an NF no node can host, a SAP outside a
  // hop's allowed nodes) is decided here, so the refusal needs no solver call; rows without a
  // finite bound (unlimited bandwidth) are dropped.
  void add_row(const LinearExpr& expr, double lo, double hi) {
    Row row{lo - expr.constant, hi - expr.constant, {}};
    for (const auto& [column, coef] : expr.terms) {
      if (coef != 0) {
        row.terms.emplace_back(column, coef);
      }
    }
    if (row.terms.empty()) {
      infeasible = infeasible || row.lo > kTolerance || row.hi < -kTolerance;
    } else if (std::isfinite(row.lo) || std::isfinite(row.hi)) {
      rows.push_back(std::move(row));
    }
  }
};

// ---- GLPK, confined to solve() ----

struct Outcome {
  int code = 0;                // glp_intopt's return code
  int status = GLP_UNDEF;      // glp_mip_status
  std::vector<double> values;  // per column, 1-based
  uint64_t nodes = 0;          // branch-and-bound nodes
};

// What GLPK's hooks write to during one solve; on the solver's stack, never global.
struct Session {
  std::jmp_buf on_error;
  char log[512] = {};  // the start of what GLPK printed (its error message, after an error)
  size_t log_len = 0;
  uint64_t nodes = 0;
};

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using ProbPtr = std::unique_ptr<glp_prob, ProbDeleter>;

// Keeps GLPK silent: everything it would print is kept (truncated) for an error message.
int swallow_output(void* info, const char* text) {
  auto* session = static_cast<Session*>(info);
  size_t room = sizeof(session->log) - 1 - session->log_len;
  size_t n = std::min(room, std::strlen(text));
  std::memcpy(session->log + session->log_len, text, n);
  session->log_len += n;
  return 1;
}

// GLPK aborts the process once this hook returns; jumping back into solve() prevents that.
void on_glpk_error(void* info) {
  std::longjmp(static_cast<Session*>(info)->on_error, 1);
}

void count_nodes(glp_tree* tree, void* info) {
  int total = 0;
  glp_ios_tree_size(tree, nullptr, nullptr, &total);
  auto* session = static_cast<Session*>(info);
  session->nodes = std::max<uint64_t>(session->nodes, static_cast<uint64_t>(total));
}

// GLPK's multi-line error report as one line for an Error message.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, text.find_last_not_of(" \n") + 1)) {
    out += c == '\n' ? std::string_view("; ") : std::string_view(&c, 1);
  }
  return out;
}

int time_limit_ms(double seconds) {
  if (!(seconds > 0) || seconds * 1000 >= INT_MAX) {
    return INT_MAX;
  }
  return std::max(1, static_cast<int>(std::ceil(seconds * 1000)));
}

// The matrix in GLPK's triplet form (1-based, index 0 unused).
struct Triplets {
  std::vector<int> ia{0};
  std::vector<int> ja{0};
  std::vector<double> ar{0.0};
};

Triplets triplets(const Model& model) {
  Triplets t;
  for (size_t i = 0; i < model.rows.size(); ++i) {
    for (const auto& [column, coef] : model.rows[i].terms) {
      t.ia.push_back(static_cast<int>(i) + 1);
      t.ja.push_back(column);
      t.ar.push_back(coef);
    }
  }
  return t;
}

void load(glp_prob* p, const Model& model, const Triplets& t) {
  glp_set_obj_dir(p, GLP_MIN);
  glp_add_cols(p, model.columns());
  for (int j = 1; j <= model.columns(); ++j) {
    glp_set_col_kind(p, j, GLP_BV);
    glp_set_obj_coef(p, j, model.objective[j]);
  }
  if (!model.rows.empty()) {
    glp_add_rows(p, static_cast<int>(model.rows.size()));
  }
  for (size_t i = 0; i < model.rows.size(); ++i) {
    const Row& row = model.rows[i];
    bool has_lo = std::isfinite(row.lo);
    bool has_hi = std::isfinite(row.hi);
    int type = !has_lo ? GLP_UP : !has_hi ? GLP_LO : row.lo == row.hi ? GLP_FX : GLP_DB;
    glp_set_row_bnds(p, static_cast<int>(i) + 1, type, has_lo ? row.lo : 0, has_hi ? row.hi : 0);
  }
  glp_load_matrix(p, static_cast<int>(t.ia.size()) - 1, t.ia.data(), t.ja.data(), t.ar.data());
}

// Loads `model` into a fresh problem and runs glp_intopt. A GLPK internal error (a bug of ours,
// or no memory) calls the error hook, which jumps back here; glp_free_env() is then GLPK's only
// documented way out, and it frees the problem too. Between setjmp and the jump only GLPK's C
// frames run, and nothing with a destructor is created after setjmp here.
Result<Outcome> solve(const Model& model, double time_limit_s) {
  Outcome out;
  if (model.columns() == 0) {  // GLPK refuses a problem without columns; nothing to decide
    out.status = GLP_OPT;
    out.values.assign(1, 0.0);
    return out;
  }
  out.values.assign(model.columns() + 1, 0.0);
  Triplets t = triplets(model);
  Session session;
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  parm.tm_lim = time_limit_ms(time_limit_s);
  parm.cb_func = count_nodes;
  parm.cb_info = &session;
  glp_term_hook(swallow_output, &session);
  glp_error_hook(on_glpk_error, &session);
  ProbPtr prob(glp_create_prob());
  if (setjmp(session.on_error) != 0) {
    (void)prob.release();  // glp_free_env() frees it
    glp_free_env();
    return make_error(ErrorCode::kInternal, "GLPK internal error: {}",
                      one_line(std::string_view(session.log, session.log_len)));
  }
  load(prob.get(), model, t);
  out.code = glp_intopt(prob.get(), &parm);
  out.status = glp_mip_status(prob.get());
  for (int j = 1; j <= model.columns(); ++j) {
    out.values[j] = glp_mip_col_val(prob.get(), j);
  }
  glp_error_hook(nullptr, nullptr);
  glp_term_hook(nullptr, nullptr);
  out.nodes = session.nodes;
  return out;
}

// ---- The embedding problem as a Model ----

// Where an NF or SAP may be: node -> its y column, or kOne for a SAP's fixed node.
using Indicator = std::map<size_t, int>;

class Formulation {
 public:
  Formulation(const Substrate& s, const Request& r)
      : s_(s), r_(r), out_(s.nodes.size()), in_(s.nodes.size()) {
    for (size_t e = 0; e < s.links.size(); ++e) {
      out_[s.links[e].src].push_back(e);
      in_[s.links[e].dst].push_back(e);
    }
    auto bw = hop_bandwidths(r);
    for (const auto& hop : r.hops) {
      hop_bw_.push_back(bw[hop.id]);
    }
    place();
    route();
    add_capacities();
    add_bandwidths();
    add_delays();
    add_affinities();
    add_hop_anti_affinities();
  }

  const Model& model() const { return model_; }

  // The mapping a solution describes.
  Result<Mapping> mapping(const std::vector<double>& values) const {
    Mapping m;
    for (const auto& nf : r_.nfs) {
      m.nf_node[nf.id] = chosen(at_.at(nf.id), values);
    }
    for (size_t h = 0; h < r_.hops.size(); ++h) {
      CL_ASSIGN_OR_RETURN(m.hop_links[r_.hops[h].id], path(h, values));
    }
    return m;
  }

 private:
  const Indicator& at(const std::string& nf_or_sap) const { return at_.at(nf_or_sap); }

  static size_t chosen(const Indicator& where, const std::vector<double>& values) {
    for (const auto& [node, column] : where) {
      if (column == kOne || values[column] > 0.5) {
        return node;
      }
    }
    return where.begin()->first;  // unreachable: assignment rows pick exactly one
  }

  // y columns (cost: cpu x node cost) and one node per NF; SAPs as constants.
  void place() {
    for (const auto& sap : r_.saps) {
      at_[sap.id] = {{*s_.node_index(sap.binding.empty() ? sap.id : sap.binding), kOne}};
    }
    for (const auto& nf : r_.nfs) {
      Indicator& where = at_[nf.id];
      LinearExpr once;
      for (size_t v = 0; v < s_.nodes.size(); ++v) {
        if (may_host(s_.nodes[v], nf)) {
          where[v] = model_.add_binary(nf.demand.cpu * s_.nodes[v].cost);
          once.add(where[v], 1);
        }
      }
      model_.add_row(once, 1, 1);
    }
  }

  bool hop_may_visit(const HopRequest& hop, size_t v) const {
    return node_allowed(hop.allowed_nodes, hop.banned_nodes, s_.nodes[v].id);
  }

  // x columns (cost: bandwidth x link cost), the ends' allowed nodes, flow conservation.
  void route() {
    x_.resize(r_.hops.size());
    for (size_t h = 0; h < r_.hops.size(); ++h) {
      const HopRequest& hop = r_.hops[h];
      for (size_t e = 0; e < s_.links.size(); ++e) {
        const SubstrateLink& link = s_.links[e];
        if (link.bandwidth >= hop_bw_[h] && hop_may_visit(hop, link.src) &&
            hop_may_visit(hop, link.dst)) {
          x_[h][e] = model_.add_binary(hop_bw_[h] * link.cost);
        }
      }
      for (const Indicator* end : {&at(hop.src), &at(hop.dst)}) {
        for (const auto& [v, column] : *end) {
          if (!hop_may_visit(hop, v)) {
            LinearExpr there;
            there.add(column, 1);
            model_.add_row(there, 0, 0);
          }
        }
      }
      for (size_t v = 0; v < s_.nodes.size(); ++v) {
        LinearExpr flow = links_at(h, out_[v]);
        flow.add(links_at(h, in_[v]), -1);
        flow.add(indicator_at(at(hop.src), v), -1);
        flow.add(indicator_at(at(hop.dst), v), 1);
        model_.add_row(flow, 0, 0);
      }
    }
  }

  // Sum of hop h's x over `links` (those it may use).
  LinearExpr links_at(size_t h, const std::vector<size_t>& links) const {
    LinearExpr sum;
    for (size_t e : links) {
      if (auto it = x_[h].find(e); it != x_[h].end()) {
        sum.add(it->second, 1);
      }
    }
    return sum;
  }

  static LinearExpr indicator_at(const Indicator& where, size_t v) {
    LinearExpr is_there;
    if (auto it = where.find(v); it != where.end()) {
      is_there.add(it->second, 1);
    }
    return is_there;
  }

  void add_capacities() {
    for (size_t v = 0; v < s_.nodes.size(); ++v) {
      LinearExpr cpu, mem, storage;
      for (const auto& nf : r_.nfs) {
        LinearExpr here = indicator_at(at(nf.id), v);
        cpu.add(here, nf.demand.cpu);
        mem.add(here, nf.demand.mem);
        storage.add(here, nf.demand.storage);
      }
      const Capacity& c = s_.nodes[v].capacity;
      model_.add_row(cpu, -kUnlimited, c.cpu);
      model_.add_row(mem, -kUnlimited, c.mem);
      model_.add_row(storage, -kUnlimited, c.storage);
    }
  }

  // Links carry the bandwidth of every hop on them; a node switches it for every hop that
  // enters it or starts there.
  void add_bandwidths() {
    for (size_t e = 0; e < s_.links.size(); ++e) {
      LinearExpr load;
      for (size_t h = 0; h < r_.hops.size(); ++h) {
        load.add(links_at(h, {e}), hop_bw_[h]);
      }
      model_.add_row(load, -kUnlimited, s_.links[e].bandwidth);
    }
    for (size_t v = 0; v < s_.nodes.size(); ++v) {
      LinearExpr load;
      for (size_t h = 0; h < r_.hops.size(); ++h) {
        load.add(links_at(h, in_[v]), hop_bw_[h]);
        load.add(indicator_at(at(r_.hops[h].src), v), hop_bw_[h]);
      }
      model_.add_row(load, -kUnlimited, s_.nodes[v].bandwidth);
    }
  }

  LinearExpr hop_delay(size_t h) const {
    LinearExpr delay;
    for (const auto& [e, column] : x_[h]) {
      delay.add(column, s_.links[e].delay_ms + s_.nodes[s_.links[e].dst].delay_ms);
    }
    for (const auto& [v, column] : at(r_.hops[h].src)) {
      delay.add(column, s_.nodes[v].delay_ms);
    }
    return delay;
  }

  void add_delays() {
    std::map<std::string, size_t> hop_index;
    for (size_t h = 0; h < r_.hops.size(); ++h) {
      hop_index[r_.hops[h].id] = h;
      if (r_.hops[h].max_delay_ms) {
        model_.add_row(hop_delay(h), -kUnlimited, *r_.hops[h].max_delay_ms);
      }
    }
    for (const auto& req : r_.requirements) {
      if (!req.max_delay_ms) {
        continue;
      }
      LinearExpr delay;
      for (const auto& hop : req.path) {
        delay.add(hop_delay(hop_index.at(hop)));
      }
      model_.add_row(delay, -kUnlimited, *req.max_delay_ms);
    }
  }

  void add_affinities() {
    for (const auto& nf : r_.nfs) {
      const Indicator& mine = at(nf.id);
      for (const auto& other : nf.affinity) {
        std::set<size_t> nodes;
        for (const Indicator* where : {&mine, &at(other)}) {
          for (const auto& [v, column] : *where) {
            nodes.insert(v);
          }
        }
        for (size_t v : nodes) {
          LinearExpr same = indicator_at(mine, v);
          same.add(indicator_at(at(other), v), -1);
          model_.add_row(same, 0, 0);
        }
      }
      for (const auto& other : nf.anti_affinity) {
        for (const auto& [v, column] : mine) {
          LinearExpr both = indicator_at(mine, v);
          both.add(indicator_at(at(other), v));
          model_.add_row(both, -kUnlimited, 1);
        }
      }
    }
  }

  void add_hop_anti_affinities() {
    std::map<std::string, size_t> hop_index;
    for (size_t h = 0; h < r_.hops.size(); ++h) {
      hop_index[r_.hops[h].id] = h;
    }
    std::set<std::pair<size_t, size_t>> done;
    for (size_t h = 0; h < r_.hops.size(); ++h) {
      for (const auto& other : r_.hops[h].anti_affinity) {
        size_t g = hop_index.at(other);
        if (!done.insert({std::min(h, g), std::max(h, g)}).second) {
          continue;
        }
        for (const auto& [e, column] : x_[h]) {
          LinearExpr both = links_at(h, {e});
          both.add(links_at(g, {e}));
          model_.add_row(both, -kUnlimited, 1);
        }
      }
    }
  }

  // Fewest links from the source's node to the destination's through the links hop h uses.
  Result<std::vector<size_t>> path(size_t h, const std::vector<double>& values) const {
    size_t src = chosen(at(r_.hops[h].src), values);
    size_t dst = chosen(at(r_.hops[h].dst), values);
    std::map<size_t, size_t> via;  // node -> the link that reached it
    std::deque<size_t> frontier{src};
    std::set<size_t> seen{src};
    while (!frontier.empty() && seen.count(dst) == 0) {
      size_t v = frontier.front();
      frontier.pop_front();
      for (size_t e : out_[v]) {
        auto it = x_[h].find(e);
        size_t next = s_.links[e].dst;
        if (it != x_[h].end() && values[it->second] > 0.5 && seen.insert(next).second) {
          via[next] = e;
          frontier.push_back(next);
        }
      }
    }
    if (seen.count(dst) == 0) {
      return make_error(ErrorCode::kInternal, "MILP solution routes hop {} nowhere", r_.hops[h].id);
    }
    std::vector<size_t> links;
    for (size_t v = dst; v != src; v = s_.links[via[v]].src) {
      links.push_back(via[v]);
    }
    std::reverse(links.begin(), links.end());
    return links;
  }

  const Substrate& s_;
  const Request& r_;
  Model model_;
  std::vector<std::vector<size_t>> out_;  // per node: links leaving it
  std::vector<std::vector<size_t>> in_;   // per node: links entering it
  std::vector<double> hop_bw_;            // per hop: effective bandwidth
  std::map<std::string, Indicator> at_;   // NF or SAP id -> where it may be
  std::vector<std::map<size_t, int>> x_;  // per hop: link -> column
};

Embedding refused(const Request& r, std::string constraint, std::string message) {
  Embedding out;
  out.refusal = {std::move(constraint), r.id, std::move(message)};
  return out;
}

class Milp : public EmbeddingAlgorithm {
 public:
  explicit Milp(const EmbeddingOptions& options) : options_(options) {}

  std::string name() const override { return "milp"; }

  Result<Embedding> embed(const Substrate& substrate, const Request& request) override {
    auto start = std::chrono::steady_clock::now();
    CL_RETURN_IF_ERROR(validate_request(substrate, request));
    CL_ASSIGN_OR_RETURN(Embedding out, run(substrate, request));
    out.stats.runtime_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return out;
  }

 private:
  Result<Embedding> run(const Substrate& substrate, const Request& request) const {
    Formulation formulation(substrate, request);
    if (formulation.model().infeasible) {
      return refused(request, "infeasible", kInfeasible);
    }
    CL_ASSIGN_OR_RETURN(Outcome solved, solve(formulation.model(), options_.time_limit_s));
    Embedding out;
    if (solved.code == GLP_ENOPFS || solved.status == GLP_NOFEAS) {
      out = refused(request, "infeasible", kInfeasible);
    } else if (solved.status == GLP_OPT || solved.status == GLP_FEAS) {
      CL_ASSIGN_OR_RETURN(out.mapping, formulation.mapping(solved.values));
    } else if (solved.code == GLP_ETMLIM) {
      out = refused(request, "timeout",
                    fmt::format("no mapping found within the MILP time limit of {} s",
                                options_.time_limit_s));
    } else {
      return make_error(ErrorCode::kInternal, "GLPK glp_intopt failed (code {}, status {})",
                        solved.code, solved.status);
    }
    out.stats.steps = solved.nodes;
    return out;
  }

  static constexpr const char* kInfeasible = "no mapping satisfies every constraint (MILP proved)";
  EmbeddingOptions options_;
};

}  // namespace

std::unique_ptr<EmbeddingAlgorithm> make_milp(const EmbeddingOptions& options) {
  return std::make_unique<Milp>(options);
}

}  // namespace chainlab::orchestration::embedding
