#include "endpoints/openstack/glance.h"
#include "common/json_bounded.h"

#include <httplib.h>

#include "endpoints/http/router.h"

namespace chainlab::endpoints {
namespace {

using nlohmann::json;
using openstack::Image;

constexpr int64_t kMaxImageMinimum = 2'147'483'647;  // min_disk / min_ram, as Glance

// Attributes Glance owns; anything else in a create body or patch is a free-form property.
const std::set<std::string> kCoreAttributes = {
    "id",          "name",         "status",        "container_format",
    "disk_format", "visibility",   "protected",     "min_disk",
    "min_ram",     "size",         "virtual_size",  "checksum",
    "tags",        "owner",        "created_at",    "updated_at",
    "self",        "file",         "schema",        "locations",
    "direct_url",  "os_hash_algo", "os_hash_value", "os_hidden"};

json image_json(const Image& im, const std::string& owner) {
  json out = {{"id", im.id},
              {"name", null_if_empty(im.name)},
              {"status", im.status},
              {"container_format", null_if_empty(im.container_format)},
              {"disk_format", null_if_empty(im.disk_format)},
              {"visibility", im.visibility},
              {"protected", im.is_protected},
              {"os_hidden", false},
              {"min_disk", im.min_disk},
              {"min_ram", im.min_ram},
              {"size", im.size >= 0 ? json(im.size) : json(nullptr)},
              {"virtual_size", nullptr},
              {"checksum", null_if_empty(im.checksum)},
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

// The string attribute of a create request that `key` names (null: not one of them).
std::string* string_attribute(openstack::ImageCreate& r, const std::string& key) {
  const std::pair<const char*, std::string*> kAttributes[] = {
      {"id", &r.id},
      {"name", &r.name},
      {"container_format", &r.container_format},
      {"disk_format", &r.disk_format},
      {"visibility", &r.visibility}};
  for (const auto& [name, field] : kAttributes) {
    if (key == name) {
      return field;
    }
  }
  return nullptr;
}

}  // namespace

Result<openstack::ImageCreate> parse_image_create(const json& body) {
  openstack::ImageCreate r;
  for (const auto& [k, v] : body.items()) {
    if (std::string* field = string_attribute(r, k)) {
      CL_RETURN_IF_ERROR(set_if(*field, opt_string(body, k.c_str())));
    } else if (k == "protected") {
      CL_RETURN_IF_ERROR(set_if(r.is_protected, opt_bool(body, "protected")));
    } else if (k == "min_disk" || k == "min_ram") {
      CL_RETURN_IF_ERROR(set_if(k == "min_disk" ? r.min_disk : r.min_ram,
                                opt_int(body, k.c_str(), 0, kMaxImageMinimum)));
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

namespace {

using Ctx = OpenStackContext;

json versions_json(Ctx& c, const httplib::Request& req) {
  json out = json::array();
  for (const char* v :
       {"v2.9", "v2.8", "v2.7", "v2.6", "v2.5", "v2.4", "v2.3", "v2.2", "v2.1", "v2.0"}) {
    out.push_back(
        {{"id", v},
         {"status", std::string(v) == "v2.9" ? "CURRENT" : "SUPPORTED"},
         {"links", {{{"rel", "self"}, {"href", service_url(req, c.ports.glance, "/v2/")}}}}});
  }
  return json{{"versions", out}};
}

Result<Reply> root(Ctx& c, const httplib::Request& req) {
  return Reply(versions_json(c, req), 300);
}

Result<json> versions(Ctx& c, const httplib::Request& req) {
  return versions_json(c, req);
}

Result<json> schema_image(Ctx&, const httplib::Request&) {
  return image_schema();
}

Result<json> schema_images(Ctx&, const httplib::Request&) {
  return json{{"name", "images"},
              {"properties",
               {{"images", {{"type", "array"}, {"items", image_schema()}}},
                {"schema", {{"type", "string"}}},
                {"first", {{"type", "string"}}},
                {"next", {{"type", "string"}}}}},
              {"links",
               {{{"rel", "first"}, {"href", "{first}"}},
                {{"rel", "next"}, {"href", "{next}"}},
                {{"rel", "describedby"}, {"href", "{schema}"}}}}};
}

Result<json> import_info(Ctx&, const httplib::Request&) {
  return json{{"import-methods",
               {{"description", "Import methods available."},
                {"type", "array"},
                {"value", json::array()}}}};
}

Result<json> list_images(Ctx& c, const httplib::Request& req) {
  json items = json::array();
  for (const auto& im : c.cloud.list_images()) {
    items.push_back(image_json(im, c.cloud.project_id()));
  }
  return json{{"images", filter_items(items, req, {"member_status"})},
              {"first", "/v2/images"},
              {"schema", "/v2/schemas/images"}};
}

Result<Reply> create_image(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(json body, json_body(req));
  CL_ASSIGN_OR_RETURN(auto request, parse_image_create(body));
  CL_ASSIGN_OR_RETURN(Image created, c.cloud.create_image(request));
  return Reply(image_json(created, c.cloud.project_id()), 201)
      .header("Location", "/v2/images/" + created.id);
}

// By id only (names are not unique in Glance; clients fall back to a filtered list).
Result<Image> exact(Ctx& c, const std::string& id) {
  auto im = c.cloud.get_image(id);
  if (!im.ok() || im->id != id) {
    return make_error(ErrorCode::kNotFound, "No image found with ID {}", id);
  }
  return im;
}

Result<json> show_image(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(Image im, exact(c, req.matches[1]));
  return image_json(im, c.cloud.project_id());
}

Result<json> patch_image(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(exact(c, req.matches[1]));
  CL_ASSIGN_OR_RETURN(json patch, parse_json(req.body, "The request body"));
  CL_ASSIGN_OR_RETURN(auto update, parse_image_patch(patch));
  CL_ASSIGN_OR_RETURN(Image updated, c.cloud.update_image(req.matches[1], update));
  return image_json(updated, c.cloud.project_id());
}

// An image in use is Glance's 403.
Result<Reply> delete_image(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(exact(c, req.matches[1]));
  Status s = c.cloud.delete_image(req.matches[1]);
  if (!s.ok() && s.error().code == ErrorCode::kFailedPrecondition) {
    return Reply(json{{"code", 403}, {"title", "Forbidden"}, {"message", s.error().message}}, 403);
  }
  CL_RETURN_IF_ERROR(s);
  return Reply::empty(204);
}

Result<Reply> upload_image(Ctx& c, const httplib::Request& req) {
  CL_RETURN_IF_ERROR(c.cloud.upload_image(req.matches[1], req.body));
  return Reply::empty(204);
}

Result<Reply> download_image(Ctx& c, const httplib::Request& req) {
  CL_ASSIGN_OR_RETURN(std::string data, c.cloud.image_data(req.matches[1]));
  if (data.empty()) {
    return Reply::empty(204);
  }
  return Reply::text(std::move(data), "application/octet-stream");
}

Result<Reply> tag_image(Ctx& c, const httplib::Request& req, bool add) {
  CL_ASSIGN_OR_RETURN(Image im, exact(c, req.matches[1]));
  std::vector<std::string> tags = im.tags;
  std::string tag = req.matches[2];
  auto it = std::find(tags.begin(), tags.end(), tag);
  if (add && it == tags.end()) {
    tags.push_back(tag);
  } else if (!add) {
    if (it == tags.end()) {
      return make_error(ErrorCode::kNotFound, "Tag {} not found", tag);
    }
    tags.erase(it);
  }
  openstack::ImageUpdate u;
  u.tags = tags;
  CL_RETURN_IF_ERROR(c.cloud.update_image(req.matches[1], u));
  return Reply::empty(204);
}

Result<Reply> add_tag(Ctx& c, const httplib::Request& req) {
  return tag_image(c, req, true);
}

Result<Reply> remove_tag(Ctx& c, const httplib::Request& req) {
  return tag_image(c, req, false);
}

const PathRoutes<Ctx> kOpenRoutes[] = {
    {R"(/?)", {{Method::kGet, &root}}},
    {R"(/versions/?)", {{Method::kGet, &versions}}},
    {R"(/v2/schemas/image/?)", {{Method::kGet, &schema_image}}},
    {R"(/v2/schemas/images/?)", {{Method::kGet, &schema_images}}},
    {R"(/v2/info/import/?)", {{Method::kGet, &import_info}}},
};

// Behind the token.
const PathRoutes<Ctx> kRoutes[] = {
    {R"(/v2/images/?)", {{Method::kGet, &list_images}, {Method::kPost, &create_image}}},
    {R"(/v2/images/([^/]+)/?)",
     {{Method::kGet, &show_image},
      {Method::kPatch, &patch_image},
      {Method::kDelete, &delete_image}}},
    {R"(/v2/images/([^/]+)/file/?)",
     {{Method::kPut, &upload_image}, {Method::kGet, &download_image}}},
    {R"(/v2/images/([^/]+)/tags/([^/]+)/?)",
     {{Method::kPut, &add_tag}, {Method::kDelete, &remove_tag}}},
};

}  // namespace

GlanceEndpoint::GlanceEndpoint(openstack::Cloud& cloud, OpenStackPorts ports)
    : OpenStackServiceEndpoint("glance", ErrorStyle::kGlance, cloud, ports, kOpenRoutes, kRoutes) {}

}  // namespace chainlab::endpoints
