// The interactive `chainlab shell`: a Containernet-like line shell over the REST API.
//
//   nodes              PoPs and instances
//   links              topology links (d3jsgraph)
//   pingall            every instance pings every other instance's first IP once
//   NAME CMD...        runs CMD in instance NAME; words naming an instance become its IP,
//                      so `vnf1 ping -c1 vnf2` works
//   help, exit         (EOF exits too)
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/rest_client.h"

namespace chainlab::cli {

// Replaces every argument after the first that names an instance with that instance's IP.
std::vector<std::string> substitute_names(std::vector<std::string> argv,
                                          const std::map<std::string, std::string>& ip_of);

class Shell {
 public:
  // Writes results to `out`, errors and progress to `err`; neither is owned.
  Shell(RestClient& client, std::FILE* out, std::FILE* err)
      : client_(client), out_(out), err_(err) {}

  // Handles one input line; false when the shell should exit.
  bool handle(std::string_view line);

  // Exit code of the last command (0 ok, 1 error, else the exec'd command's code).
  int last_status() const { return last_status_; }

 private:
  void nodes();
  void links();
  void pingall();
  void run_in(const std::vector<std::string>& words);
  void help();
  void error(const std::string& message);

  // name -> first IP of every instance; empty on error (reported).
  bool instances(std::vector<std::string>& names, std::map<std::string, std::string>& ip_of);

  RestClient& client_;
  std::FILE* out_;
  std::FILE* err_;
  int last_status_ = 0;
};

}  // namespace chainlab::cli
