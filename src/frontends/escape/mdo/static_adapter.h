// The "static" domain: ESCAPE's static file domain. Its view is an NFFG file read once at start;
// deploy() and remove() only record the parts, which parts() shows (tests, `chainlab mdo
// --topology FILE`).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "frontends/escape/mdo/domain_adapter.h"

namespace chainlab::escape {

class StaticAdapter final : public DomainAdapter {
 public:
  StaticAdapter(std::string name, Nffg view) : name_(std::move(name)), view_(std::move(view)) {}
  // The NFFG file at `path` (read_nffg's checks; NotFound when it cannot be read).
  static Result<std::unique_ptr<StaticAdapter>> from_file(std::string name,
                                                          const std::string& path);

  std::string name() const override { return name_; }
  std::string kind() const override { return "static"; }
  Result<Nffg> view() override { return view_; }
  Status deploy(const std::string& service_id, const Nffg& part) override;
  Status remove(const std::string& service_id) override;
  std::map<std::string, Nffg> parts() const;

 private:
  std::string name_;
  Nffg view_;
  mutable std::mutex mu_;
  std::map<std::string, Nffg> parts_;  // by service id
};

}  // namespace chainlab::escape
