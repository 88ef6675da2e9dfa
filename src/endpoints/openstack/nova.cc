#include "endpoints/openstack/nova.h"

#include <httplib.h>

#include "common/safe_regex.h"

#include "common/units.h"
#include "endpoints/openstack/nova_internal.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::Cloud;
using openstack::Flavor;
using openstack::Server;

constexpr ErrorStyle kStyle = ErrorStyle::kNova;
using namespace nova;  // this endpoint's views and prefix

// The last path segment of a reference that may be a URL ("http://.../flavors/1" -> "1").
std::string ref_id(const std::string& ref) {
  auto slash = ref.rfind('/');
  return slash == std::string::npos ? ref : ref.substr(slash + 1);
}

// Nova's auto-allocation, simplified: the only non-external network if there is exactly one
// (none: no NIC; more, the PoP's network "default" counted: 409 as Nova's NetworkAmbiguous).
Result<std::optional<std::string>> auto_network(Cloud& cloud) {
  std::vector<std::string> candidates;
  for (const auto& n : cloud.list_networks()) {
    if (!n.external) {
      candidates.push_back(n.id);
    }
  }
  if (candidates.size() > 1) {
    return make_error(ErrorCode::kFailedPrecondition,
                      "Multiple possible networks found, use a Network ID to be more specific.");
  }
  return candidates.empty() ? std::nullopt : std::optional<std::string>(candidates.front());
}

}  // namespace

Result<ServerCreateRequest> parse_server_create(const json& body) {
  CL_ASSIGN_OR_RETURN(json s, resource_body(body, "server"));
  ServerCreateRequest request;
  openstack::ServerCreate& r = request.server;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(s, "name"));
  if (!name || name->empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute server. Value: 'name' is a required "
                      "property");
  }
  r.name = *name;
  CL_ASSIGN_OR_RETURN(auto flavor, opt_string(s, "flavorRef"));
  if (!flavor) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute server. Value: 'flavorRef' is a "
                      "required property");
  }
  r.flavor = ref_id(*flavor);
  CL_ASSIGN_OR_RETURN(auto image, opt_string(s, "imageRef"));
  r.image = image ? ref_id(*image) : "";
  for (const char* key : {"key_name", "user_data", "availability_zone"}) {
    CL_ASSIGN_OR_RETURN(auto v, opt_string(s, key));
    if (v) {
      (std::string(key) == "key_name"    ? r.key_name
       : std::string(key) == "user_data" ? r.user_data
                                         : r.availability_zone) = *v;
    }
  }
  if (s.contains("metadata") && !s["metadata"].is_null()) {
    if (!s["metadata"].is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute metadata");
    }
    for (const auto& [k, v] : s["metadata"].items()) {
      r.metadata[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  json networks = s.value("networks", json("auto"));
  if (networks.is_string()) {
    std::string mode = networks.get<std::string>();
    if (mode != "auto" && mode != "none") {
      return make_error(ErrorCode::kInvalidArgument,
                        "Invalid input for field/attribute networks: '{}'", mode);
    }
    request.auto_network = mode == "auto";
  } else if (networks.is_array()) {
    for (const auto& n : networks) {
      if (!n.is_object()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Invalid input for field/attribute networks");
      }
      openstack::ServerNic nic;
      CL_ASSIGN_OR_RETURN(auto port, opt_string(n, "port"));
      CL_ASSIGN_OR_RETURN(auto uuid, opt_string(n, "uuid"));
      CL_ASSIGN_OR_RETURN(auto fixed, opt_string(n, "fixed_ip"));
      nic.port_id = port.value_or("");
      nic.network_id = uuid.value_or("");
      nic.fixed_ip = fixed.value_or("");
      if (nic.port_id.empty() && nic.network_id.empty()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "Bad networks format: a network needs a uuid or a port");
      }
      r.nics.push_back(nic);
    }
  } else {
    return make_error(ErrorCode::kInvalidArgument, "Invalid input for field/attribute networks");
  }
  return request;
}

Result<openstack::FlavorCreate> parse_flavor_create(const json& body) {
  CL_ASSIGN_OR_RETURN(json f, resource_body(body, "flavor"));
  openstack::FlavorCreate fc;
  CL_ASSIGN_OR_RETURN(auto name, opt_string(f, "name"));
  using openstack::kMaxFlavorValue;
  CL_ASSIGN_OR_RETURN(auto ram, opt_int(f, "ram", 1, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto vcpus, opt_int(f, "vcpus", 1, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto disk, opt_int(f, "disk", 0, kMaxFlavorValue));
  CL_ASSIGN_OR_RETURN(auto eph, opt_int(f, "OS-FLV-EXT-DATA:ephemeral", 0, kMaxFlavorValue));
  std::optional<int64_t> swap;
  if (f.value("swap", json()) != json("")) {  // Nova spells "no swap" ""
    CL_ASSIGN_OR_RETURN(swap, opt_int(f, "swap", 0, kMaxFlavorValue));
  }
  CL_ASSIGN_OR_RETURN(auto is_public, opt_bool(f, "os-flavor-access:is_public"));
  CL_ASSIGN_OR_RETURN(auto desc, opt_string(f, "description"));
  if (!name || !ram || !vcpus) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Invalid input for field/attribute flavor: name, ram and vcpus are required");
  }
  fc.name = *name;
  fc.ram_mb = *ram;
  fc.vcpus = static_cast<int>(*vcpus);
  fc.disk_gb = disk.value_or(0);
  fc.ephemeral_gb = eph.value_or(0);
  fc.is_public = is_public.value_or(true);
  fc.description = desc.value_or("");
  if (f.contains("id") && !f["id"].is_null()) {
    fc.id = f["id"].is_string() ? f["id"].get<std::string>() : f["id"].dump();
  }
  if (swap) {
    fc.swap_mb = *swap;
  }
  if (auto rx = f.find("rxtx_factor"); rx != f.end() && !rx->is_null()) {
    CL_ASSIGN_OR_RETURN(fc.rxtx_factor, json_number(*rx, "rxtx_factor", 0, 1e6));
  }
  return fc;
}

Result<openstack::ServerNic> parse_interface_attachment(const json& body) {
  CL_ASSIGN_OR_RETURN(json a, resource_body(body, "interfaceAttachment"));
  openstack::ServerNic nic;
  CL_ASSIGN_OR_RETURN(auto port, opt_string(a, "port_id"));
  CL_ASSIGN_OR_RETURN(auto net, opt_string(a, "net_id"));
  nic.port_id = port.value_or("");
  nic.network_id = net.value_or("");
  if (a.contains("fixed_ips") && a["fixed_ips"].is_array() && !a["fixed_ips"].empty()) {
    const json& ip = a["fixed_ips"][0];
    if (!ip.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid input for fixed_ips: not an object");
    }
    CL_ASSIGN_OR_RETURN(auto address, opt_string(ip, "ip_address"));
    nic.fixed_ip = address.value_or("");
  }
  return nic;
}

void NovaEndpoint::register_routes(httplib::Server& server) {
  auto cloud = cloud_;
  int port = ports_.nova;
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // The token first, then the path's project against the token's (Nova's 400 on a mismatch).
  auto guarded = [cloud](Handler h) {
    Handler checked = [cloud, h = std::move(h)](const httplib::Request& req,
                                                httplib::Response& res) {
      auto token = cloud->validate_token(req.get_header_value("X-Auth-Token"));
      Status s = token.ok() ? check_project(req.path, token->project_id) : ok_status();
      if (!s.ok()) {
        return send_openstack_error(res, kStyle, s.error());
      }
      h(req, res);
    };
    return with_token(cloud, kStyle, std::move(checked), set_version_headers);
  };
  auto fail = [](httplib::Response& res, const Error& e) { send_openstack_error(res, kStyle, e); };

  server.Get(R"(/?)", [port](const httplib::Request& req, httplib::Response& res) {
    json v20 = version_doc(req, port);
    v20["id"] = "v2.0";
    v20["status"] = "SUPPORTED";
    v20["version"] = "";
    v20["min_version"] = "";
    v20["links"] = {{{"rel", "self"}, {"href", service_url(req, port, "/v2/")}}};
    send_json(res, {{"versions", {v20, version_doc(req, port)}}});
  });
  server.Get(kPrefix + "/?", [port](const httplib::Request& req, httplib::Response& res) {
    set_version_headers(req, res);
    send_json(res, {{"version", version_doc(req, port)}});
  });

  // ---- servers
  auto list_servers = [cloud, port](bool detail) {
    return [cloud, port, detail](const httplib::Request& req, httplib::Response& res) {
      std::string name_filter = req.get_param_value("name");
      std::string status_filter = req.get_param_value("status");
      // Nova's name filter is a regular expression; one that does not compile (or that this
      // emulation refuses, compile_safe_regex) compares the name as text.
      auto name_re = compile_safe_regex(name_filter);
      json items = json::array();
      for (const auto& s : cloud->list_servers()) {
        if (!name_filter.empty()) {
          auto found = name_re.ok() ? safe_regex_search(s.name, *name_re) : Result<bool>(false);
          bool match = name_re.ok() && found.ok() ? *found : s.name == name_filter;
          if (!match) {
            continue;
          }
        }
        if (!status_filter.empty() && s.status != status_filter) {
          continue;
        }
        items.push_back(server_json(req, port, *cloud, s, detail));
      }
      send_json(res, {{"servers", items}});
    };
  };
  server.Get(kPrefix + R"(/servers/?)", guarded(list_servers(false)));
  server.Get(kPrefix + R"(/servers/detail/?)", guarded(list_servers(true)));
  // son-emu's extension: every server with its ports and their interface names.
  server.Get(kPrefix + R"(/servers/andPorts/?)",
             guarded([cloud, port](const httplib::Request& req, httplib::Response& res) {
               json items = json::array();
               for (const auto& s : cloud->list_servers()) {
                 items.push_back(server_with_ports_json(req, port, *cloud, s));
               }
               send_json(res, {{"servers", items}});
             }));
  server.Post(kPrefix + R"(/servers/?)",
              guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
                auto body = json_body(req);
                if (!body.ok()) {
                  return fail(res, body.error());
                }
                auto request = parse_server_create(*body);
                if (!request.ok()) {
                  return fail(res, request.error());
                }
                if (request->auto_network) {
                  auto net = auto_network(*cloud);
                  if (!net.ok()) {
                    return fail(res, net.error());
                  }
                  if (*net) {
                    request->server.nics.push_back({"", **net, ""});
                  }
                }
                auto created = cloud->create_server(request->server);
                if (!created.ok()) {
                  Error e = std::move(created).error();
                  // Nova answers 400 for unknown references in the request body.
                  if (e.code == ErrorCode::kNotFound) {
                    e.code = ErrorCode::kInvalidArgument;
                  }
                  return fail(res, e);
                }
                json l = links(req, port, "servers", created->id);
                res.set_header("Location", l[0]["href"].get<std::string>());
                send_json(res,
                          {{"server",
                            {{"id", created->id},
                             {"links", l},
                             {"OS-DCF:diskConfig", "MANUAL"},
                             {"security_groups", {{{"name", "default"}}}},
                             {"adminPass", created->id.substr(0, 12)}}}},
                          202);
              }));
  server.Get(kPrefix + R"(/servers/([^/]+)/?)",
             guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
               auto s = cloud->get_server(req.matches[1]);
               if (!s.ok()) {
                 return fail(res, s.error());
               }
               send_json(res, {{"server", server_json(req, port, *cloud, *s, true)}});
             }));
  server.Put(kPrefix + R"(/servers/([^/]+)/?)",
             guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
               auto body = json_body(req);
               if (!body.ok()) {
                 return fail(res, body.error());
               }
               auto s = resource_body(*body, "server");
               if (!s.ok()) {
                 return fail(res, s.error());
               }
               auto name = opt_string(*s, "name");
               if (!name.ok()) {
                 return fail(res, name.error());
               }
               auto updated = cloud->update_server(req.matches[1], *name, std::nullopt);
               if (!updated.ok()) {
                 return fail(res, updated.error());
               }
               send_json(res, {{"server", server_json(req, port, *cloud, *updated, true)}});
             }));
  server.Delete(kPrefix + R"(/servers/([^/]+)/?)",
                guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                  auto s = cloud->delete_server(req.matches[1]);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  res.status = 204;
                }));
  server.Post(kPrefix + R"(/servers/([^/]+)/action/?)",
              guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                auto s = cloud->get_server(req.matches[1]);
                if (!s.ok()) {
                  return fail(res, s.error());
                }
                auto body = json_body(req);
                if (!body.ok() || body->empty()) {
                  return fail(res, make_error(ErrorCode::kInvalidArgument,
                                              "Malformed request body: no action"));
                }
                // Power actions are accepted; the emulated server keeps running.
                res.status = 202;
              }));
  server.Get(kPrefix + R"(/servers/([^/]+)/metadata/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto s = cloud->get_server(req.matches[1]);
               if (!s.ok()) {
                 return fail(res, s.error());
               }
               send_json(res, {{"metadata", s->metadata}});
             }));
  server.Get(kPrefix + R"(/servers/([^/]+)/os-security-groups/?)",
             guarded([](const httplib::Request&, httplib::Response& res) {
               send_json(res, {{"security_groups", json::array()}});
             }));

  // ---- os-interface
  server.Get(kPrefix + R"(/servers/([^/]+)/os-interface/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto ports = cloud->server_ports(req.matches[1]);
               if (!ports.ok()) {
                 return fail(res, ports.error());
               }
               json items = json::array();
               for (const auto& p : *ports) {
                 items.push_back(interface_json(p));
               }
               send_json(res, {{"interfaceAttachments", items}});
             }));
  server.Get(kPrefix + R"(/servers/([^/]+)/os-interface/([^/]+)/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto ports = cloud->server_ports(req.matches[1]);
               if (!ports.ok()) {
                 return fail(res, ports.error());
               }
               for (const auto& p : *ports) {
                 if (p.id == req.matches[2]) {
                   return send_json(res, {{"interfaceAttachment", interface_json(p)}});
                 }
               }
               fail(res, make_error(ErrorCode::kNotFound, "Port {} is not attached",
                                    std::string(req.matches[2])));
             }));
  server.Post(kPrefix + R"(/servers/([^/]+)/os-interface/?)",
              guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                auto body = json_body(req);
                if (!body.ok()) {
                  return fail(res, body.error());
                }
                auto nic = parse_interface_attachment(*body);
                if (!nic.ok()) {
                  return fail(res, nic.error());
                }
                auto attached = cloud->attach_interface(req.matches[1], *nic);
                if (!attached.ok()) {
                  return fail(res, attached.error());
                }
                send_json(res, {{"interfaceAttachment", interface_json(*attached)}});
              }));
  server.Delete(kPrefix + R"(/servers/([^/]+)/os-interface/([^/]+)/?)",
                guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                  auto s = cloud->detach_interface(req.matches[1], req.matches[2]);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  res.status = 202;
                }));

  // ---- flavors
  auto list_flavors = [cloud, port](bool detail) {
    return [cloud, port, detail](const httplib::Request& req, httplib::Response& res) {
      json items = json::array();
      for (const auto& f : cloud->list_flavors()) {
        items.push_back(flavor_json(req, port, f, detail));
      }
      send_json(res, {{"flavors", items}});
    };
  };
  server.Get(kPrefix + R"(/flavors/?)", guarded(list_flavors(false)));
  server.Get(kPrefix + R"(/flavors/detail/?)", guarded(list_flavors(true)));
  server.Get(kPrefix + R"(/flavors/([^/]+)/?)",
             guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
               // By id only, as Nova: clients fall back to a list to find names.
               for (const auto& f : cloud->list_flavors()) {
                 if (f.id == req.matches[1]) {
                   return send_json(res, {{"flavor", flavor_json(req, port, f, true)}});
                 }
               }
               fail(res, make_error(ErrorCode::kNotFound, "Flavor {} could not be found.",
                                    std::string(req.matches[1])));
             }));
  server.Post(kPrefix + R"(/flavors/?)",
              guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
                auto body = json_body(req);
                if (!body.ok()) {
                  return fail(res, body.error());
                }
                auto fc = parse_flavor_create(*body);
                if (!fc.ok()) {
                  return fail(res, fc.error());
                }
                auto created = cloud->create_flavor(*fc);
                if (!created.ok()) {
                  return fail(res, created.error());
                }
                send_json(res, {{"flavor", flavor_json(req, port, *created, true)}});
              }));
  server.Delete(kPrefix + R"(/flavors/([^/]+)/?)",
                guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                  auto s = cloud->delete_flavor(req.matches[1]);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  res.status = 202;
                }));
  server.Get(kPrefix + R"(/flavors/([^/]+)/os-extra_specs/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto f = cloud->get_flavor(req.matches[1]);
               if (!f.ok()) {
                 return fail(res, f.error());
               }
               send_json(res, {{"extra_specs", f->extra_specs}});
             }));
  server.Post(kPrefix + R"(/flavors/([^/]+)/os-extra_specs/?)",
              guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                auto body = json_body(req);
                if (!body.ok()) {
                  return fail(res, body.error());
                }
                auto specs = body->find("extra_specs");
                if (specs == body->end() || !specs->is_object()) {
                  return fail(res, make_error(ErrorCode::kInvalidArgument,
                                              "Invalid input: 'extra_specs' is required"));
                }
                std::map<std::string, std::string> m;
                for (const auto& [k, v] : specs->items()) {
                  m[k] = v.is_string() ? v.get<std::string>() : v.dump();
                }
                auto f = cloud->set_flavor_extra_specs(req.matches[1], m);
                if (!f.ok()) {
                  return fail(res, f.error());
                }
                send_json(res, {{"extra_specs", m}});
              }));
  server.Delete(kPrefix + R"(/flavors/([^/]+)/os-extra_specs/([^/]+)/?)",
                guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                  auto s = cloud->unset_flavor_extra_spec(req.matches[1], req.matches[2]);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  res.status = 200;
                }));
  server.Get(kPrefix + R"(/flavors/([^/]+)/os-flavor-access/?)",
             guarded([](const httplib::Request&, httplib::Response& res) {
               send_json(res, {{"flavor_access", json::array()}});
             }));

  // ---- images (proxied from the Glance records)
  auto list_images = [cloud, port](bool detail) {
    return [cloud, port, detail](const httplib::Request& req, httplib::Response& res) {
      json items = json::array();
      for (const auto& im : cloud->list_images()) {
        items.push_back(image_json(req, port, im, detail));
      }
      send_json(res, {{"images", filter_items(items, req)}});
    };
  };
  server.Get(kPrefix + R"(/images/?)", guarded(list_images(false)));
  server.Get(kPrefix + R"(/images/detail/?)", guarded(list_images(true)));
  server.Get(kPrefix + R"(/images/([^/]+)/?)",
             guarded([cloud, port, fail](const httplib::Request& req, httplib::Response& res) {
               auto im = cloud->get_image(req.matches[1]);
               if (!im.ok() || im->id != req.matches[1]) {
                 return fail(res, make_error(ErrorCode::kNotFound, "Image not found."));
               }
               send_json(res, {{"image", image_json(req, port, *im, true)}});
             }));
  server.Delete(kPrefix + R"(/images/([^/]+)/?)",
                guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                  auto s = cloud->delete_image(req.matches[1]);
                  if (!s.ok()) {
                    return fail(res, s.error());
                  }
                  res.status = 204;
                }));

  // ---- limits, zones, keypairs
  server.Get(kPrefix + R"(/limits/?)",
             guarded([cloud](const httplib::Request&, httplib::Response& res) {
               auto u = cloud->usage();
               send_json(res, {{"limits",
                                {{"rate", json::array()},
                                 {"absolute",
                                  {{"maxServerMeta", 128},
                                   {"maxPersonality", 5},
                                   {"maxImageMeta", 128},
                                   {"maxPersonalitySize", 10240},
                                   {"maxTotalKeypairs", 100},
                                   {"maxSecurityGroupRules", 20},
                                   {"maxSecurityGroups", 10},
                                   {"maxServerGroups", 10},
                                   {"maxServerGroupMembers", 10},
                                   {"maxTotalCores", 1000},
                                   {"maxTotalInstances", 1000},
                                   {"maxTotalRAMSize", 1024 * 1024},
                                   {"maxTotalFloatingIps", 100},
                                   {"totalCoresUsed", u.vcpus},
                                   {"totalRAMUsed", u.ram_mb},
                                   {"totalInstancesUsed", u.servers},
                                   {"totalFloatingIpsUsed", u.floating_ips},
                                   {"totalSecurityGroupsUsed", 0},
                                   {"totalServerGroupsUsed", 0}}}}}});
             }));
  server.Get(
      kPrefix + R"(/os-availability-zone(?:/detail)?/?)",
      guarded([](const httplib::Request&, httplib::Response& res) {
        send_json(
            res,
            {{"availabilityZoneInfo",
              {{{"zoneName", "nova"}, {"zoneState", {{"available", true}}}, {"hosts", nullptr}}}}});
      }));
  server.Get(kPrefix + R"(/os-keypairs/?)",
             guarded([](const httplib::Request&, httplib::Response& res) {
               send_json(res, {{"keypairs", json::array()}});
             }));
}

void NovaEndpoint::write_error(httplib::Response& res, const Error& error) const {
  send_openstack_error(res, kStyle, error);
}

}  // namespace chainlab::endpoints
