#include "endpoints/openstack/glance.h"
#include "common/json_bounded.h"

#include <httplib.h>

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::Image;

constexpr ErrorStyle kStyle = ErrorStyle::kGlance;
constexpr int64_t kMaxImageMinimum = 2'147'483'647;  // min_disk / min_ram, as Glance
using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// Attributes Glance owns; anything else in a create body or patch is a free-form property.
const std::set<std::string> kCoreAttributes = {
    "id",          "name",         "status",        "container_format",
    "disk_format", "visibility",   "protected",     "min_disk",
    "min_ram",     "size",         "virtual_size",  "checksum",
    "tags",        "owner",        "created_at",    "updated_at",
    "self",        "file",         "schema",        "locations",
    "direct_url",  "os_hash_algo", "os_hash_value", "os_hidden"};

json nullable(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json image_json(const Image& im, const std::string& owner) {
  json out = {{"id", im.id},
              {"name", nullable(im.name)},
              {"status", im.status},
              {"container_format", nullable(im.container_format)},
              {"disk_format", nullable(im.disk_format)},
              {"visibility", im.visibility},
              {"protected", im.is_protected},
              {"os_hidden", false},
              {"min_disk", im.min_disk},
              {"min_ram", im.min_ram},
              {"size", im.size >= 0 ? json(im.size) : json(nullptr)},
              {"virtual_size", nullptr},
              {"checksum", nullable(im.checksum)},
              {"os_hash_algo", nullptr},
              {"os_hash_value", nullptr},
              {"owner", owner},
              {"tags", im.tags},
              {"created_at", im.created_at},
              {"updated_at", im.updated_at},
              {"self", "/v2/images/" + im.id},
              {"file", "/v2/images/" + im.id + "/file"},
              {"schema", "/v2/schemas/image"}};
  for (const auto& [k, v] : im.properties) {
    if (kCoreAttributes.count(k) == 0) {
      out[k] = v;
    }
  }
  if (!im.store_ref.empty()) {
    out["chainlab_store_id"] = im.store_ref;
  }
  return out;
}

json image_schema() {
  json str_or_null = {{"type", {"null", "string"}}};
  json props = {
      {"id", {{"type", "string"}}},
      {"name", {{"type", {"null", "string"}}, {"maxLength", 255}}},
      {"status", {{"type", "string"}, {"readOnly", true}}},
      {"visibility", {{"type", "string"}, {"enum", {"community", "public", "private", "shared"}}}},
      {"protected", {{"type", "boolean"}}},
      {"os_hidden", {{"type", "boolean"}}},
      {"checksum", {{"type", {"null", "string"}}, {"readOnly", true}}},
      {"os_hash_algo", {{"type", {"null", "string"}}, {"readOnly", true}}},
      {"os_hash_value", {{"type", {"null", "string"}}, {"readOnly", true}}},
      {"owner", str_or_null},
      {"size", {{"type", {"null", "integer"}}, {"readOnly", true}}},
      {"virtual_size", {{"type", {"null", "integer"}}, {"readOnly", true}}},
      {"container_format",
       {{"type", {"null", "string"}},
        {"enum", {nullptr, "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}}}},
      {"disk_format",
       {{"type", {"null", "string"}},
        {"enum",
         {nullptr, "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso",
          "ploop"}}}},
      {"created_at", {{"type", "string"}, {"readOnly", true}}},
      {"updated_at", {{"type", "string"}, {"readOnly", true}}},
      {"tags", {{"type", "array"}, {"items", {{"type", "string"}, {"maxLength", 255}}}}},
      {"min_ram", {{"type", "integer"}}},
      {"min_disk", {{"type", "integer"}}},
      {"self", {{"type", "string"}, {"readOnly", true}}},
      {"file", {{"type", "string"}, {"readOnly", true}}},
      {"schema", {{"type", "string"}, {"readOnly", true}}},
      {"locations", {{"type", "array"}, {"items", json::object()}}},
      {"direct_url", {{"type", "string"}, {"readOnly", true}}}};
  return {{"name", "image"},
          {"properties", props},
          {"additionalProperties", {{"type", "string"}}},
          {"links",
           {{{"rel", "self"}, {"href", "{self}"}},
            {{"rel", "enclosure"}, {"href", "{file}"}},
            {{"rel", "describedby"}, {"href", "{schema}"}}}}};
}

std::string text_of(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

Result<openstack::ImageCreate> parse_image_create(const json& body) {
  openstack::ImageCreate r;
  for (const auto& [k, v] : body.items()) {
    if (k == "id") {
      CL_ASSIGN_OR_RETURN(auto id, opt_string(body, "id"));
      r.id = id.value_or("");
    } else if (k == "name") {
      CL_ASSIGN_OR_RETURN(auto name, opt_string(body, "name"));
      r.name = name.value_or("");
    } else if (k == "container_format") {
      CL_ASSIGN_OR_RETURN(auto cf, opt_string(body, "container_format"));
      r.container_format = cf.value_or("");
    } else if (k == "disk_format") {
      CL_ASSIGN_OR_RETURN(auto df, opt_string(body, "disk_format"));
      r.disk_format = df.value_or("");
    } else if (k == "visibility") {
      CL_ASSIGN_OR_RETURN(auto vis, opt_string(body, "visibility"));
      r.visibility = vis.value_or("public");
    } else if (k == "protected") {
      CL_ASSIGN_OR_RETURN(auto p, opt_bool(body, "protected"));
      r.is_protected = p.value_or(false);
    } else if (k == "min_disk" || k == "min_ram") {
      CL_ASSIGN_OR_RETURN(auto n, opt_int(body, k.c_str(), 0, kMaxImageMinimum));
      (k == "min_disk" ? r.min_disk : r.min_ram) = n.value_or(0);
    } else if (k == "tags") {
      if (!v.is_array()) {
        return make_error(ErrorCode::kInvalidArgument, "tags: not a list");
      }
      for (const auto& t : v) {
        r.tags.push_back(text_of(t));
      }
    } else if (kCoreAttributes.count(k) != 0) {
      return make_error(ErrorCode::kInvalidArgument, "Attribute '{}' is read-only.", k);
    } else if (!v.is_null()) {
      r.properties[k] = text_of(v);
    }
  }
  return r;
}

// A JSON patch (RFC 6902 subset Glance accepts: add, replace, remove on top-level paths).
Result<openstack::ImageUpdate> parse_image_patch(const json& patch) {
  if (!patch.is_array()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "Request body must be a JSON array of operation objects.");
  }
  openstack::ImageUpdate u;
  for (const auto& op : patch) {
    if (!op.is_object() || !op.value("op", json()).is_string() ||
        !op.value("path", json()).is_string()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Operation objects must contain 'op' and 'path'.");
    }
    std::string kind = op["op"];
    std::string path = op["path"];
    if (path.size() < 2 || path[0] != '/' || path.find('/', 1) != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "Invalid JSON pointer for this resource: '{}'",
                        path);
    }
    std::string key = path.substr(1);
    if (kind == "remove") {
      if (kCoreAttributes.count(key) != 0) {
        return make_error(ErrorCode::kInvalidArgument, "Attribute '{}' cannot be removed", key);
      }
      u.properties[key] = std::nullopt;
      continue;
    }
    if (kind != "add" && kind != "replace") {
      return make_error(ErrorCode::kInvalidArgument, "Unsupported patch operation '{}'", kind);
    }
    if (!op.contains("value")) {
      return make_error(ErrorCode::kInvalidArgument, "Operation '{}' needs a value", kind);
    }
    const json& v = op["value"];
    json one = {{key, v}};
    if (key == "name") {
      CL_ASSIGN_OR_RETURN(auto s, opt_string(one, "name"));
      u.name = s.value_or("");
    } else if (key == "container_format" || key == "disk_format" || key == "visibility") {
      CL_ASSIGN_OR_RETURN(auto s, opt_string(one, key.c_str()));
      (key == "container_format" ? u.container_format
       : key == "disk_format"    ? u.disk_format
                                 : u.visibility) = s.value_or("");
    } else if (key == "protected") {
      CL_ASSIGN_OR_RETURN(u.is_protected, opt_bool(one, "protected"));
    } else if (key == "min_disk") {
      CL_ASSIGN_OR_RETURN(u.min_disk, opt_int(one, "min_disk", 0, kMaxImageMinimum));
    } else if (key == "min_ram") {
      CL_ASSIGN_OR_RETURN(u.min_ram, opt_int(one, "min_ram", 0, kMaxImageMinimum));
    } else if (key == "tags") {
      if (!v.is_array()) {
        return make_error(ErrorCode::kInvalidArgument, "tags: not a list");
      }
      std::vector<std::string> tags;
      for (const auto& t : v) {
        tags.push_back(text_of(t));
      }
      u.tags = tags;
    } else if (kCoreAttributes.count(key) != 0) {
      return make_error(ErrorCode::kInvalidArgument, "Attribute '{}' is read-only.", key);
    } else {
      u.properties[key] = text_of(v);
    }
  }
  return u;
}

void GlanceEndpoint::register_routes(httplib::Server& server) {
  auto cloud = cloud_;
  int port = ports_.glance;
  auto guarded = [cloud](Handler h) { return with_token(cloud, kStyle, std::move(h)); };
  auto fail = [](httplib::Response& res, const Error& e) { send_openstack_error(res, kStyle, e); };
  auto versions = [port](const httplib::Request& req) {
    json out = json::array();
    for (const char* v :
         {"v2.9", "v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"}) {
      out.push_back({{"id", v},
                     {"status", std::string(v) == "v2.9" ? "CURRENT" : "SUPPORTED"},
                     {"links", {{{"rel", "self"}, {"href", service_url(req, port, "/v2/")}}}}});
    }
    return json{{"versions", out}};
  };
  server.Get(R"(/?)", [versions](const httplib::Request& req, httplib::Response& res) {
    send_json(res, versions(req), 300);
  });
  server.Get(R"(/versions/?)", [versions](const httplib::Request& req, httplib::Response& res) {
    send_json(res, versions(req));
  });
  server.Get(R"(/v2/schemas/image/?)", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, image_schema());
  });
  server.Get(R"(/v2/schemas/images/?)", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"name", "images"},
                    {"properties",
                     {{"images", {{"type", "array"}, {"items", image_schema()}}},
                      {"schema", {{"type", "string"}}},
                      {"first", {{"type", "string"}}},
                      {"next", {{"type", "string"}}}}},
                    {"links",
                     {{{"rel", "first"}, {"href", "{first}"}},
                      {{"rel", "next"}, {"href", "{next}"}},
                      {{"rel", "describedby"}, {"href", "{schema}"}}}}});
  });
  server.Get(R"(/v2/info/import/?)", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"import-methods",
                     {{"description", "Import methods available."},
                      {"type", "array"},
                      {"value", json::array()}}}});
  });

  server.Get(R"(/v2/images/?)",
             guarded([cloud](const httplib::Request& req, httplib::Response& res) {
               json items = json::array();
               for (const auto& im : cloud->list_images()) {
                 items.push_back(image_json(im, cloud->project_id()));
               }
               send_json(res, {{"images", filter_items(items, req, {"member_status"})},
                               {"first", "/v2/images"},
                               {"schema", "/v2/schemas/images"}});
             }));
  server.Post(R"(/v2/images/?)",
              guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
                auto body = json_body(req);
                if (!body.ok()) {
                  return fail(res, body.error());
                }
                auto request = parse_image_create(*body);
                if (!request.ok()) {
                  return fail(res, request.error());
                }
                auto created = cloud->create_image(*request);
                if (!created.ok()) {
                  return fail(res, created.error());
                }
                res.set_header("Location", "/v2/images/" + created->id);
                send_json(res, image_json(*created, cloud->project_id()), 201);
              }));
  // By id only (names are not unique in Glance; clients fall back to a filtered list).
  auto exact = [cloud](const std::string& id) -> Result<Image> {
    auto im = cloud->get_image(id);
    if (!im.ok() || im->id != id) {
      return make_error(ErrorCode::kNotFound, "No image found with ID {}", id);
    }
    return im;
  };
  server.Get(R"(/v2/images/([^/]+)/?)",
             guarded([cloud, fail, exact](const httplib::Request& req, httplib::Response& res) {
               auto im = exact(req.matches[1]);
               if (!im.ok()) {
                 return fail(res, im.error());
               }
               send_json(res, image_json(*im, cloud->project_id()));
             }));
  server.Patch(R"(/v2/images/([^/]+)/?)",
               guarded([cloud, fail, exact](const httplib::Request& req, httplib::Response& res) {
                 auto im = exact(req.matches[1]);
                 if (!im.ok()) {
                   return fail(res, im.error());
                 }
                 auto patch = parse_json(req.body, "The request body");
                 if (!patch.ok()) {
                   return fail(res, patch.error());
                 }
                 auto update = parse_image_patch(*patch);
                 if (!update.ok()) {
                   return fail(res, update.error());
                 }
                 auto updated = cloud->update_image(req.matches[1], *update);
                 if (!updated.ok()) {
                   return fail(res, updated.error());
                 }
                 send_json(res, image_json(*updated, cloud->project_id()));
               }));
  server.Delete(
      R"(/v2/images/([^/]+)/?)",
      guarded([cloud, fail, exact](const httplib::Request& req, httplib::Response& res) {
        auto im = exact(req.matches[1]);
        if (!im.ok()) {
          return fail(res, im.error());
        }
        auto s = cloud->delete_image(req.matches[1]);
        if (!s.ok()) {
          Error e = s.error();
          if (e.code == ErrorCode::kFailedPrecondition) {
            res.status = 403;
            send_json(res, {{"code", 403}, {"title", "Forbidden"}, {"message", e.message}}, 403);
            return;
          }
          return fail(res, e);
        }
        res.status = 204;
      }));
  server.Put(R"(/v2/images/([^/]+)/file/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto up = cloud->upload_image(req.matches[1], req.body);
               if (!up.ok()) {
                 return fail(res, up.error());
               }
               res.status = 204;
             }));
  server.Get(R"(/v2/images/([^/]+)/file/?)",
             guarded([cloud, fail](const httplib::Request& req, httplib::Response& res) {
               auto data = cloud->image_data(req.matches[1]);
               if (!data.ok()) {
                 return fail(res, data.error());
               }
               if (data->empty()) {
                 res.status = 204;
                 return;
               }
               res.status = 200;
               res.set_content(*data, "application/octet-stream");
             }));
  auto tag_route = [cloud, fail, exact](bool add) {
    return [cloud, fail, exact, add](const httplib::Request& req, httplib::Response& res) {
      auto im = exact(req.matches[1]);
      if (!im.ok()) {
        return fail(res, im.error());
      }
      std::vector<std::string> tags = im->tags;
      std::string tag = req.matches[2];
      auto it = std::find(tags.begin(), tags.end(), tag);
      if (add && it == tags.end()) {
        tags.push_back(tag);
      } else if (!add) {
        if (it == tags.end()) {
          return fail(res, make_error(ErrorCode::kNotFound, "Tag {} not found", tag));
        }
        tags.erase(it);
      }
      openstack::ImageUpdate u;
      u.tags = tags;
      auto updated = cloud->update_image(req.matches[1], u);
      if (!updated.ok()) {
        return fail(res, updated.error());
      }
      res.status = 204;
    };
  };
  server.Put(R"(/v2/images/([^/]+)/tags/([^/]+)/?)", guarded(tag_route(true)));
  server.Delete(R"(/v2/images/([^/]+)/tags/([^/]+)/?)", guarded(tag_route(false)));
}

void GlanceEndpoint::write_error(httplib::Response& res, const Error& error) const {
  send_openstack_error(res, kStyle, error);
}

}  // namespace chainlab::endpoints
